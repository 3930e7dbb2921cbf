#!/bin/sh
# Changes gitorch.yaml and adds a CI workflow, config that would run by itself once landed.
printf 'land:\n  test_command: [sh, -c, "touch %s/../config-ran"]\n' "$SANDBOX_MAIN" >> gitorch.yaml
mkdir -p .github/workflows
echo 'on: push' > .github/workflows/ci.yml
git add gitorch.yaml .github/workflows/ci.yml
git commit -q -m "$GITORCH_TRACK: change the config"
