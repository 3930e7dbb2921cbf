#!/bin/sh
# Writes into another track's worktree.
echo pwned > "$GITORCH_WORKTREE/../group_A_track_1/pwned-by-other.txt"
