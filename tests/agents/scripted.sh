#!/bin/sh
# A stand-in agent that does what its track's body says, one instruction a line:
#   put PATH TEXT   make PATH hold TEXT (one line)
#   fail            exit 3
# It works and commits in the work phase only; the other phases succeed doing nothing.
set -e
[ "$GITORCH_PHASE" = work ] || exit 0
grep -E '^(put|fail)( |$)' "$GITORCH_PROMPT_FILE" > "$GITORCH_PROMPT_FILE.steps" || true
while read -r verb path text; do
  case "$verb" in
    put) mkdir -p "$(dirname "$path")"; printf '%s\n' "$text" > "$path" ;;
    fail) exit 3 ;;
  esac
done < "$GITORCH_PROMPT_FILE.steps"
git add -A
git commit -q -m "$GITORCH_TRACK: scripted work"
