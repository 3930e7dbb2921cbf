#!/bin/sh
# An agent that prints binary bytes and a 200 KB line, then commits.
printf 'bin\000ary\377\376 bytes\n'
head -c 200000 /dev/zero | tr '\0' 'x'
echo
echo "$GITORCH_PHASE" >> noisy.txt && git add noisy.txt && git commit -q -m noisy
