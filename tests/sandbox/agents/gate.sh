#!/bin/sh
# A test command that writes its scratch worktree (allowed) and the main worktree (not).
touch scratch-ok || exit 1
touch "$SANDBOX_MAIN/gate-was-here"
exit 0
