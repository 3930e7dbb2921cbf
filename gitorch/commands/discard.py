"""`gitorch discard`: a track back to pending, its worktree and branch removed, its wip kept."""

from __future__ import annotations

from pathlib import Path

from gitorch.names import TrackId
from gitorch.project import open_project
from gitorch.tracks.discard import discard as discard_track


def discard(cwd: Path, track_text: str, stop_first: bool) -> str:
    """Discard the track's worktree, branch and claim; say where its work is kept."""
    return discard_track(open_project(cwd), TrackId.parse(track_text), stop_first)
