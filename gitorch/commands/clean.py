"""`gitorch clean`: drop stale claims, remove landed tracks' worktrees and branches."""

from __future__ import annotations

from pathlib import Path

from gitorch.project import open_project
from gitorch.tracks.tidy import clean as tidy


def clean(cwd: Path, force: bool) -> list[str]:
    """Tidy up; never removes uncommitted work or unlanded commits unless force."""
    return tidy(open_project(cwd), force)
