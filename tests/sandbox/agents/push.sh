#!/bin/sh
# Pushes to the remote itself.
git push -q origin HEAD:refs/heads/pwned-push
