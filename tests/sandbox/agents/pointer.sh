#!/bin/sh
# Points the worktree at a git dir of its own, whose config gitorch's git would then run.
mkdir -p evil && git init -q evil && git -C evil config core.fsmonitor "touch $SANDBOX_MAIN/../pointer-ran"
echo "gitdir: $PWD/evil/.git" > .git
echo "$PWD/evil/.git" > "$(git rev-parse --git-dir)/commondir"
