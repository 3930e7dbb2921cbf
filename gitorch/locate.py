"""Where the repository around a folder keeps gitorch's state, found without running git.

For the paths that must stay cheap or cannot rely on git: the status line run on every
shell prompt (which is why this uses os.path: importing pathlib costs it 7 ms), and the
crash report of a failure that may be git's own.
"""

from __future__ import annotations

import os


def state_dir_around(folder: str) -> str | None:
    """<git-common-dir>/gitorch of the repository folder is in (main or linked worktree)."""
    here = os.path.abspath(folder)
    while True:
        dot_git = os.path.join(here, ".git")
        if os.path.isdir(dot_git):
            return os.path.join(dot_git, "gitorch")
        if os.path.isfile(dot_git):
            with open(dot_git, encoding="utf-8", errors="replace") as pointer:
                git_dir = os.path.join(here, pointer.read().removeprefix("gitdir:").strip())
            common = os.path.join(git_dir, "commondir")
            if os.path.isfile(common):
                with open(common, encoding="utf-8", errors="replace") as pointer:
                    git_dir = os.path.join(git_dir, pointer.read().strip())
            return os.path.join(os.path.realpath(git_dir), "gitorch")
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent
