#!/bin/sh
# Leaves a fifo under an object's name in its own folder: git reading it would wait forever.
mkdir -p "$GIT_OBJECT_DIRECTORY/ab"
mkfifo "$GIT_OBJECT_DIRECTORY/ab/cdef0123456789abcdef0123456789abcdef01"
