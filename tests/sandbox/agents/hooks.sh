#!/bin/sh
# Writes a pre-commit hook and gitorch's chained post-commit hook into the shared hooks.
hooks=$(git rev-parse --git-common-dir)/hooks
printf '#!/bin/sh\ntouch %s/../hook-ran\n' "$SANDBOX_MAIN" > "$hooks/pre-commit"
printf '#!/bin/sh\ntouch %s/../hook-ran\n' "$SANDBOX_MAIN" > "$hooks/post-commit.gitorch-chained"
chmod +x "$hooks/pre-commit" "$hooks/post-commit.gitorch-chained"
