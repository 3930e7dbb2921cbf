#!/bin/sh
# Writes into the main worktree.
echo pwned > "$SANDBOX_MAIN/pwned-main.txt"
