#!/bin/sh
# A stand-in agent that says its track is done too early: in the track AGENT_EARLY (every
# track if unset) its work phase commits with the trailer `Gitorch-Done: true`, and its
# review phase then goes on working: it makes the file AGENT_REVIEWING, waits for the file
# AGENT_GO, and commits the review. Other tracks commit their work plainly and stop there.
set -e
early=no
[ "${AGENT_EARLY:-$GITORCH_TRACK}" = "$GITORCH_TRACK" ] && early=yes
case "$GITORCH_PHASE" in
  work)
    echo "work on $GITORCH_TRACK" > "work-$(printf '%s' "$GITORCH_TRACK" | tr / -).txt"
    git add -A
    if [ "$early" = yes ]; then
      git commit -q -m "$GITORCH_TRACK: work" -m "Gitorch-Done: true"
    else
      git commit -q -m "$GITORCH_TRACK: work"
    fi ;;
  review)
    [ "$early" = yes ] || exit 0
    : > "$AGENT_REVIEWING"
    while [ ! -e "$AGENT_GO" ]; do sleep 0.05; done
    echo "reviewed" > review.txt
    git add review.txt
    git commit -q -m "$GITORCH_TRACK: review" ;;
esac
