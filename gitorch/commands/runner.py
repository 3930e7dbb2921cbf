"""`gitorch _runner`: one claimed track's phases, started by `gitorch start` (internal)."""

from __future__ import annotations

from pathlib import Path

from gitorch.names import TrackId
from gitorch.tracks.repair import run_repair
from gitorch.tracks.runner import run_track


def run(cwd: Path, track_text: str, lock_fd: int, repair: bool = False) -> int:
    """Run the track's phases (or, repair, its resolve or fix) holding the lock fd."""
    track = TrackId.parse(track_text)
    return run_repair(cwd, track, lock_fd) if repair else run_track(cwd, track, lock_fd)
