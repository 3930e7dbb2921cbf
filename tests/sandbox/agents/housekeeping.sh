#!/bin/sh
# What an honest agent's git may do to the object store: commit, gc --auto, repack.
echo first > first.txt
git add first.txt
git commit -q -m "$GITORCH_TRACK: a first commit"
git -c gc.auto=1 -c gc.autoDetach=false gc --auto -q
git repack -a -d -q
git repack -d -q
