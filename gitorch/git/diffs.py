"""A branch's changes as a patch, for a person to read."""

from __future__ import annotations

from gitorch.git import RepoPaths, git

MAX_PATCH = 4 * 1024**2  # characters: past this the page says the rest is cut


def branch_diff(paths: RepoPaths, main: str, tip: str) -> tuple[str, bool]:
    """What tip changed since it left main (`git diff main...tip`), and whether it was cut."""
    done = git(["diff", "--no-color", "--no-ext-diff", "--find-renames", f"{main}...{tip}",
                "--"], paths.worktree, check=False)
    if done.returncode != 0:
        return "", False
    return done.stdout[:MAX_PATCH], len(done.stdout) > MAX_PATCH
