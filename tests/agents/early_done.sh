#!/bin/sh
# A stand-in agent that says its track is done too early: its work phase commits with the
# trailer `Gitorch-Done: true`, and its review phase then goes on working. AGENT_REVIEWING:
# a file it makes when the review phase begins; AGENT_GO: a file it waits for before it
# commits the review.
set -e
case "$GITORCH_PHASE" in
  work)
    echo "work on $GITORCH_TRACK" > work.txt
    git add work.txt
    git commit -q -m "$GITORCH_TRACK: work" -m "Gitorch-Done: true" ;;
  review)
    : > "$AGENT_REVIEWING"
    while [ ! -e "$AGENT_GO" ]; do sleep 0.05; done
    echo "reviewed" > review.txt
    git add review.txt
    git commit -q -m "$GITORCH_TRACK: review" ;;
esac
