"""`gitorch release`: drop a track's claim; its branch and worktree stay for reuse."""

from __future__ import annotations

from pathlib import Path

from gitorch.names import TrackId
from gitorch.project import open_project
from gitorch.tracks.release import release as release_track


def release(cwd: Path, track_text: str, stop_first: bool, force: bool = False) -> str:
    """Free the track's claim so it is pending again."""
    return release_track(open_project(cwd), TrackId.parse(track_text), stop_first, force)
