"""`gitorch attach`: take a track's agent over on this terminal."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from gitorch.names import TrackId
from gitorch.project import open_project
from gitorch.steer.attach import attach as attach_track


def attach(cwd: Path, track_text: str, say: Callable[[str], None]) -> int:
    """Run the track's agent CLI here, continuing its session; the CLI's exit code."""
    return attach_track(open_project(cwd), TrackId.parse(track_text), say)
