#!/bin/sh
# Leaves an object in its own folder whose content is not what its name says.
claimed=$(echo "content nobody else has" | git hash-object --stdin)
real=$(echo "something else" | git hash-object -w --stdin)
mkdir -p "$GIT_OBJECT_DIRECTORY/$(echo "$claimed" | cut -c1-2)"
cp "$GIT_OBJECT_DIRECTORY/$(echo "$real" | cut -c1-2)/$(echo "$real" | cut -c3-)" \
    "$GIT_OBJECT_DIRECTORY/$(echo "$claimed" | cut -c1-2)/$(echo "$claimed" | cut -c3-)"
