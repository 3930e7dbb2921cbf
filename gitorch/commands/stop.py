"""`gitorch stop`: end the runners gitorch started, leaving worktrees and commits as they are."""

from __future__ import annotations

from pathlib import Path

from gitorch.commands.run import end_scheduler
from gitorch.errors import GitorchError
from gitorch.names import TrackId
from gitorch.project import open_project
from gitorch.runners import end_runner, mark_stopped
from gitorch.tracks import TrackRecord


def stop(cwd: Path, track_ids: list[str], every: bool) -> list[str]:
    """Stop the named tracks' runners (or all); return a line per track."""
    if not track_ids and not every:
        raise GitorchError("name the tracks to stop (e.g. gitorch stop E/1) or use --all")
    project = open_project(cwd)
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
        ended = end_runner(record)
        fresh = TrackRecord.load(project, TrackId.parse(record.track)) or record
        mark_stopped(fresh, "stopped by gitorch stop").save(project)
        said.append(f"{'Stopped' if ended else 'Not running:'} {record.track} "
                    f"({fresh.state}); worktree left at {fresh.worktree}")
    return said or ["No runner is running."]

