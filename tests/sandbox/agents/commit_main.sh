#!/bin/sh
# Commits on main in the main worktree, which land would then push.
cd "$SANDBOX_MAIN" && echo pwned > pwned-commit.txt && git add pwned-commit.txt \
    && git commit -q -m "pwned main"
