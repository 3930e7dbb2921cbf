"""Which tracks a person can reach the agent of: started, not landed, with a worktree."""

from __future__ import annotations

from pathlib import Path

from gitorch.errors import GitorchError
from gitorch.names import TrackId
from gitorch.project import Project
from gitorch.tracks.records import TrackRecord


def reachable(project: Project, track: TrackId, landed: str) -> TrackRecord:
    """The track's record, or a one-line error; landed: why a landed track will not do."""
    record = TrackRecord.load(project, track)
    if record is None:
        raise GitorchError(f"track {track} has never been started; "
                           f"gitorch start --track {track}")
    if record.state == "landed":
        raise GitorchError(f"track {track} has landed; {landed}")
    if not (Path(record.worktree) / ".git").exists():
        raise GitorchError(f"track {track} has no worktree at {record.worktree}; "
                           f"gitorch start --track {track} makes it again")
    return record
