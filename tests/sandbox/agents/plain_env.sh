#!/bin/sh
# An honest agent whose tool runs git with an environment of its own, as many tools do.
env -u GIT_DIR -u GIT_OBJECT_DIRECTORY -u GIT_ALTERNATE_OBJECT_DIRECTORIES sh -c '
echo plain > plain.txt
git add plain.txt
git commit -q -m "$GITORCH_TRACK: a commit by a tool of its own"'
