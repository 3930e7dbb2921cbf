#!/bin/sh
# An agent that prints a lot, quickly: a first line, AGENT_LINES numbered lines (default
# 5000), a last line; then commits in the work phase. AGENT_GO: a file to wait for first.
# AGENT_BURST: print that many lines at a time, with a pause of AGENT_PAUSE (0.3) between.
# AGENT_HOLD: a file to wait for at the end.
set -e
if [ -n "$AGENT_GO" ]; then while [ ! -e "$AGENT_GO" ]; do sleep 0.02; done; fi
echo "first words of $GITORCH_PHASE"
lines=${AGENT_LINES:-5000}
burst=${AGENT_BURST:-$lines}
from=1
while [ "$from" -le "$lines" ]; do
  to=$((from + burst - 1))
  [ "$to" -le "$lines" ] || to=$lines
  seq "$from" "$to" | sed 's/^/chatter /'
  from=$((to + 1))
  [ "$from" -gt "$lines" ] || sleep "${AGENT_PAUSE:-0.3}"
done
echo "last words of $GITORCH_PHASE"
if [ -n "$AGENT_HOLD" ]; then while [ ! -e "$AGENT_HOLD" ]; do sleep 0.02; done; fi
[ "$GITORCH_PHASE" = work ] || exit 0
echo "$GITORCH_PHASE" >> chatty.txt && git add chatty.txt && git commit -q -m chatty
