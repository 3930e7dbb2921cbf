"""What a runner process runs for its claimed track: its phases, a repair, a pull-request
round or the messages sent to it (`gitorch _runner`, or a runner forked by start)."""

from __future__ import annotations

from pathlib import Path

from gitorch.names import TrackId
from gitorch.project import open_project
from gitorch.tracks.records import TrackRecord
from gitorch.tracks.repair import run_repair
from gitorch.tracks.runner import run_track


def run_runner(cwd: Path, track_text: str, lock_fd: int, repair: bool = False,
               message: bool = False) -> int:
    """Run the track's phases (or, repair, its resolve, fix or pull request round; message,
    the messages sent to it) holding the lock fd."""
    track = TrackId.parse(track_text)
    if message:
        from gitorch.steer.send import run_alone

        return run_alone(cwd, track, lock_fd)
    if not repair:
        return run_track(cwd, track, lock_fd)
    record = TrackRecord.load(open_project(cwd), track)
    if record is not None and record.state == "healing":
        from gitorch.land.pr_heal import run_heal  # land's modules, for this runner only

        return run_heal(cwd, track, lock_fd)
    return run_repair(cwd, track, lock_fd)
