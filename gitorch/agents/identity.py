"""Who an agent's commits are by: the repository's git identity, given in the environment.

Some agents run git without the user's global config (Gemini CLI sets
`GIT_CONFIG_GLOBAL=/dev/null` for every shell command), so an identity kept in
`~/.gitconfig`, where people keep it, is not seen and every commit fails. The
`GIT_AUTHOR_*` and `GIT_COMMITTER_*` variables pass through such shells.
"""

from __future__ import annotations

import os
from functools import cache

from gitorch import git
from gitorch.git import RepoPaths


def identity_env(paths: RepoPaths) -> dict[str, str]:
    """GIT_AUTHOR_* and GIT_COMMITTER_* from git's config, where the environment lacks them."""
    missing = [(who, what) for who in ("author", "committer") for what in ("name", "email")
               if f"GIT_{who.upper()}_{what.upper()}" not in os.environ]
    config = _identity_config(paths) if missing else {}  # all set: git is not asked
    env = {}
    for who, what in missing:
        value = config.get(f"{who}.{what}") or config.get(f"user.{what}")
        if value:
            env[f"GIT_{who.upper()}_{what.upper()}"] = value
    return env


@cache
def _identity_config(paths: RepoPaths) -> dict[str, str]:
    """git's identity settings, read once a process: a runner's phases all commit as one
    identity (an edit made meanwhile applies from the next track on)."""
    return git.identity_config(paths)
