#!/bin/sh
# Sets core.fsmonitor in the shared config, so gitorch's own git processes run its script.
git config core.fsmonitor "touch $SANDBOX_MAIN/../fsmonitor-ran"
