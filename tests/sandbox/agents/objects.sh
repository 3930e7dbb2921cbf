#!/bin/sh
# Overwrites an object of the shared store that main needs, then deletes the whole store.
store=$(git rev-parse --path-format=absolute --git-common-dir)/objects
blob=$(git rev-parse HEAD:ROADMAP.md)
file=$store/$(echo "$blob" | cut -c1-2)/$(echo "$blob" | cut -c3-)
chmod u+w "$file"
echo garbage > "$file"
rm -rf "$store"/??* "$store"/pack
