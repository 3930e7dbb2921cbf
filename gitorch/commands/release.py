"""`gitorch release`: drop a track's claim; its branch and worktree stay for reuse."""

from __future__ import annotations

from pathlib import Path

from gitorch import git
from gitorch.claims import drop_claim, read_claim
from gitorch.errors import GitorchError
from gitorch.names import TrackId
from gitorch.project import Project, open_project
from gitorch.runners import end_runner
from gitorch.tracks import TrackRecord, pid_alive


def release(cwd: Path, track_text: str, stop_first: bool) -> str:
    """Free the track's claim so it is pending again."""
    project = open_project(cwd)
    track = TrackId.parse(track_text)
    record = TrackRecord.load(project, track)
    if record is not None and pid_alive(record.pid, record.host):
        if not stop_first:
            raise GitorchError(f"track {track}'s runner (PID {record.pid}) is running; "
                               f"stop it first or use gitorch release --stop {track}")
        end_runner(record)
    return forget_claim(project, track)


def forget_claim(project: Project, track: TrackId) -> str:
    """Delete the claim ref and the record; say what was kept."""
    commit, _ = read_claim(project.paths, track)
    record = TrackRecord.load(project, track)
    if commit is None and record is None:
        return f"Track {track} was not claimed."
    if commit is not None:
        try:
            drop_claim(project.paths, track, commit)
        except git.RefMoved as moved:
            raise GitorchError(f"track {track} was claimed again meanwhile; nothing "
                               "released") from moved
    project.state.record(track).unlink(missing_ok=True)
    kept = f"; branch {record.branch} and worktree {record.worktree} kept" if record else ""
    return f"Released {track}{kept}."
