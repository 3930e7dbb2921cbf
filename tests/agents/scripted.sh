#!/bin/sh
# A stand-in agent that does what its track's body says, one instruction a line:
#   put PATH TEXT   make PATH hold TEXT (one line), in the work phase
#   lines PATH N    make PATH hold N numbered lines, in the work phase
#   fail            exit 3 in the work phase
#   sleep SECONDS   take that long, in the work phase
#   wait PATH       wait until PATH exists (a test's go-ahead), in the work phase
#   commit          commit what is there so far (the rest is committed at the end)
#   point BRANCH    point another track's BRANCH at this HEAD, as a hostile agent would
#   review-wait PATH  in the review phase, make PATH.waiting, then wait until PATH exists
#   fix PATH TEXT   make PATH hold TEXT and commit, in the fix phase
#   no-fix-commit   in the fix phase, leave the fix uncommitted
#   address PATH TEXT  make PATH hold TEXT and commit, in the address phase
#   keep-markers    in the resolve phase, leave the conflicts as they are
# In the resolve phase it keeps both sides of every conflict (ours first) and removes the
# markers, leaving the staging to gitorch; AGENT_RESOLVE_SLEEP: seconds to wait first.
# AGENT_PROMPTS: a file each fix and address phase appends its prompt to; each such phase
# then also adds a line to rounds.txt, so that every round has a change to commit.
# A message phase (gitorch send) does what its message says as the work phase does, and
# commits only if something changed. Other phases succeed doing nothing.
set -e
case "$GITORCH_PHASE" in
  resolve)
    sleep "${AGENT_RESOLVE_SLEEP:-0}"
    grep -q '^keep-markers' "$GITORCH_PROMPT_FILE" && exit 0
    git diff --name-only --diff-filter=U | while read -r path; do
      sed -i -e '/^<<<<<<< /d' -e '/^=======$/d' -e '/^>>>>>>> /d' "$path"
    done
    exit 0 ;;
  fix|address)
    grep -E "^$GITORCH_PHASE " "$GITORCH_PROMPT_FILE" | while read -r verb path text; do
      printf '%s\n' "$text" > "$path"
    done
    grep -q '^no-fix-commit' "$GITORCH_PROMPT_FILE" && exit 0
    if [ -n "${AGENT_PROMPTS-}" ]; then
      cat "$GITORCH_PROMPT_FILE" >> "$AGENT_PROMPTS"
      echo "$GITORCH_PHASE" >> rounds.txt
    fi
    git add -A
    if [ "$GITORCH_PHASE" = fix ]; then
      git commit -q -m "$GITORCH_TRACK: fix the gate"
    else
      git commit -q -m "$GITORCH_TRACK: address the review"
    fi
    exit 0 ;;
  review)
    grep -E '^review-wait ' "$GITORCH_PROMPT_FILE" | while read -r verb path; do
      : > "$path.waiting"
      while [ ! -e "$path" ]; do sleep 0.05; done
    done
    exit 0 ;;
  work|message) ;;
  *) exit 0 ;;
esac
grep -E '^(put|lines|fail|sleep|wait|commit|point)( |$)' "$GITORCH_PROMPT_FILE" > "${TMPDIR:-/tmp}/steps.$$" || true
while read -r verb path text; do
  case "$verb" in
    put) mkdir -p "$(dirname "$path")"; printf '%s\n' "$text" > "$path" ;;
    lines) seq "$text" | sed 's/^/line /' > "$path" ;;
    fail) exit 3 ;;
    sleep) sleep "$path" ;;
    wait) while [ ! -e "$path" ]; do sleep 0.05; done ;;
    commit) git add -A; git commit -q -m "$GITORCH_TRACK: scripted step"; stepped=1 ;;
    point) git update-ref "refs/heads/$path" HEAD ;;
  esac
done < "${TMPDIR:-/tmp}/steps.$$"
git add -A
[ "$GITORCH_PHASE" = message ] && git diff --cached --quiet && exit 0
# After a commit step, only what is left (if anything) makes another commit.
if [ -z "${stepped-}" ] || ! git diff --cached --quiet; then
  git commit -q -m "$GITORCH_TRACK: scripted work"
fi
