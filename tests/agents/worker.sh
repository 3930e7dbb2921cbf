#!/bin/sh
# A stand-in coding agent: records each run, and in the work phase edits a file and commits.
# AGENT_RUNS: file to append "<track> <phase>" to; AGENT_SLEEP: seconds to take;
# AGENT_FAIL_PHASE: phase to fail in (exit 3); AGENT_SLOW_PHASE: the only phase that sleeps.
set -e
[ -n "$AGENT_RUNS" ] && echo "$GITORCH_TRACK $GITORCH_PHASE" >> "$AGENT_RUNS"
echo "agent in $GITORCH_PHASE for $GITORCH_TRACK"
if [ "$GITORCH_PHASE" = "${AGENT_FAIL_PHASE:-none}" ]; then
  echo "failing on purpose" >&2
  exit 3
fi
if [ "$GITORCH_PHASE" = work ]; then
  name="track-$(printf '%s' "$GITORCH_TRACK" | tr / -).txt"
  echo "work on $GITORCH_TRACK" >> "$name"
  git add "$name"
  git commit -q -m "Work on $GITORCH_TRACK"
  # Left uncommitted, and only once the commit is made: tests wait for it.
  echo "scratch" > "uncommitted-$GITORCH_PHASE.txt"
fi
if [ -z "$AGENT_SLOW_PHASE" ] || [ "$GITORCH_PHASE" = "$AGENT_SLOW_PHASE" ]; then
  sleep "${AGENT_SLEEP:-0}"
fi
