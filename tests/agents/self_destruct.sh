#!/bin/sh
# An agent that deletes its own worktree.
cd .. && rm -rf "$GITORCH_WORKTREE"
