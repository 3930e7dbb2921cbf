"""`gitorch _runner`: one claimed track's phases, started by `gitorch start` (internal)."""

from __future__ import annotations

from pathlib import Path

from gitorch.names import TrackId
from gitorch.tracks.runner import run_track


def run(cwd: Path, track_text: str, lock_fd: int) -> int:
    """Run the track's phases holding the lock fd start handed down; the exit code."""
    return run_track(cwd, TrackId.parse(track_text), lock_fd)
