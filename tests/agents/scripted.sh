#!/bin/sh
# A stand-in agent that does what its track's body says, one instruction a line:
#   put PATH TEXT   make PATH hold TEXT (one line)
#   fail            exit 3
#   sleep SECONDS   take that long
#   wait PATH       wait until PATH exists (a test's go-ahead)
#   commit          commit what is there so far (the rest is committed at the end)
# It works and commits in the work phase only; the other phases succeed doing nothing.
set -e
[ "$GITORCH_PHASE" = work ] || exit 0
grep -E '^(put|fail|sleep|wait|commit)( |$)' "$GITORCH_PROMPT_FILE" > "$GITORCH_PROMPT_FILE.steps" || true
while read -r verb path text; do
  case "$verb" in
    put) mkdir -p "$(dirname "$path")"; printf '%s\n' "$text" > "$path" ;;
    fail) exit 3 ;;
    sleep) sleep "$path" ;;
    wait) while [ ! -e "$path" ]; do sleep 0.05; done ;;
    commit) git add -A; git commit -q -m "$GITORCH_TRACK: scripted step"; stepped=1 ;;
  esac
done < "$GITORCH_PROMPT_FILE.steps"
git add -A
# After a commit step, only what is left (if anything) makes another commit.
if [ -z "${stepped-}" ] || ! git diff --cached --quiet; then
  git commit -q -m "$GITORCH_TRACK: scripted work"
fi
