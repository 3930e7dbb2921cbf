"""Where the repository around a folder keeps gitorch's state, found without running git.

For the paths that must stay cheap or cannot rely on git: the status line run on every
shell prompt, and the crash report of a failure that may be git's own.
"""

from __future__ import annotations

from pathlib import Path


def state_dir_around(folder: Path) -> Path | None:
    """<git-common-dir>/gitorch of the repository folder is in (main or linked worktree)."""
    for here in (folder, *folder.parents):
        dot_git = here / ".git"
        if dot_git.is_dir():
            return dot_git / "gitorch"
        if dot_git.is_file():
            text = dot_git.read_text(encoding="utf-8", errors="replace")
            git_dir = here / text.removeprefix("gitdir:").strip()
            common = git_dir / "commondir"
            if common.is_file():
                return (git_dir / common.read_text().strip()).resolve() / "gitorch"
            return git_dir / "gitorch"
    return None
