#!/bin/sh
# An agent that commits on the track's branch, then on a branch of its own (`mine`, or a
# detached HEAD with AGENT_DETACH=1). AGENT_BACK=1: it checks the track's branch out again
# afterwards, leaving its other commits where they are. AGENT_AMEND=1: it only rewrites its
# own commit (amend, reset), leaving commits on no branch but the track's work on it.
# AGENT_EMPTY=1: it switches to a new branch `mine` and commits nothing there.
# AGENT_LOOK=BRANCH: it checks out an existing branch to look at it, and comes back.
set -e
[ "$GITORCH_PHASE" = work ] || exit 0
track_branch=$(git symbolic-ref --short HEAD)
echo own > own.txt && git add own.txt && git commit -q -m "on the track's branch"
if [ -n "$AGENT_AMEND" ]; then
  git commit -q --amend -m "on the track's branch, amended"
  echo scratch > scratch.txt && git add scratch.txt && git commit -q -m "scratch"
  git reset -q --hard HEAD~1
  exit 0
fi
if [ -n "$AGENT_LOOK" ]; then
  git checkout -q "$AGENT_LOOK" && git checkout -q "$track_branch"
  exit 0
fi
if [ -n "$AGENT_EMPTY" ]; then git checkout -q -b mine; exit 0; fi
if [ -n "$AGENT_DETACH" ]; then git checkout -q --detach; else git checkout -q -b mine; fi
echo one > mine-1.txt && git add mine-1.txt && git commit -q -m "mine 1"
echo two > mine-2.txt && git add mine-2.txt && git commit -q -m "mine 2"
if [ -n "$AGENT_BACK" ]; then git checkout -q "$track_branch"; fi
