"""Ending runners (with every, the scheduler first); worktrees and commits stay as they are."""

from __future__ import annotations

from collections.abc import Sequence

from gitorch.errors import GitorchError
from gitorch.names import TrackId
from gitorch.project import Project
from gitorch.schedule.daemon import end_scheduler
from gitorch.tracks.control import stop_runner
from gitorch.tracks.records import TrackRecord


def stop(project: Project, track_ids: Sequence[str], every: bool) -> list[str]:
    """Stop the named tracks' runners (or all); return a line per track."""
    # The scheduler goes first, so that it launches nothing while its runners are stopped.
    scheduler = end_scheduler(project) if every else None
    if every:
        records = [r for r in TrackRecord.all(project) if r.state in ("claimed", "running")]
    else:
        records = []
        for text in track_ids:
            track = TrackId.parse(text)
            record = TrackRecord.load(project, track)
            if record is None:
                raise GitorchError(f"track {track} has never been started")
            records.append(record)
    said = [] if scheduler is None else [f"Stopped the scheduler (PID {scheduler})"]
    for record in records:
        ended, fresh = stop_runner(project, record, "stopped by gitorch stop")
        said.append(f"{'Stopped' if ended else 'Not running:'} {record.track} "
                    f"({fresh.state}); worktree left at {fresh.worktree}")
    return said or ["No runner is running."]

