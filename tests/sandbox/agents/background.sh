#!/bin/sh
# Leaves a loop in a session of its own that commits every 0.2 s after the phase ends. It
# waits for the track's own commit first: two commits at once in one worktree collide on
# its index.lock, which would fail the phase for a reason of its own.
setsid sh -c 'until git log -1 --format=%s | grep -q "its own work"; do sleep 0.05; done
    while :; do git commit -q --allow-empty -m "from the background"; sleep 0.2; done' \
    < /dev/null > /dev/null 2>&1 &
sleep 0.5
