"""`gitorch _runner`: one claimed track's phases, started by `gitorch start` (internal)."""

from __future__ import annotations

from pathlib import Path

from gitorch.names import TrackId
from gitorch.tracks.repair import run_repair
from gitorch.tracks.runner import run_track


def run(cwd: Path, track_text: str, lock_fd: int, repair: bool = False,
        message: bool = False) -> int:
    """Run the track's phases (or, repair, its resolve or fix; message, the messages sent
    to it) holding the lock fd."""
    track = TrackId.parse(track_text)
    if message:
        from gitorch.steer.send import run_alone

        return run_alone(cwd, track, lock_fd)
    return run_repair(cwd, track, lock_fd) if repair else run_track(cwd, track, lock_fd)
