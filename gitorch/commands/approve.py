"""`gitorch approve`: a person lets a track that changes protected paths land."""

from __future__ import annotations

from pathlib import Path

from gitorch.land.review import approve as approve_track
from gitorch.names import TrackId
from gitorch.project import open_project


def approve(cwd: Path, track_text: str) -> str:
    """Approve the track's branch as it is now."""
    return approve_track(open_project(cwd), TrackId.parse(track_text))
