#!/bin/sh
# The agent of every track in tests/sandbox: in the work phase it runs the act its track's
# body names (`act: NAME` runs NAME.sh beside this file; `act: none` is an honest track),
# then commits a file of its own, as an honest agent would. Other phases do nothing.
[ "$GITORCH_PHASE" = work ] || exit 0
act=$(sed -n 's/^act: //p' "$GITORCH_PROMPT_FILE")
here=$(dirname "$0")
main=$(cd "$(git rev-parse --git-common-dir)/.." && pwd)
if [ "$act" != none ]; then
    SANDBOX_MAIN=$main "$here/$act.sh" || echo "act $act failed: exit $?"
fi
key=$(echo "$GITORCH_TRACK" | tr / -)
echo "work of $GITORCH_TRACK" > "track-$key.txt"
git add "track-$key.txt"
git commit -q -m "$GITORCH_TRACK: its own work"
