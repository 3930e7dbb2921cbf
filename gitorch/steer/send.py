"""`gitorch send`: a message for a track's agent, run as a `message` phase that continues
its session: by the track's runner after its current phase, or by a runner of its own."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from gitorch.errors import GitorchError
from gitorch.names import TrackId
from gitorch.project import Project, open_project
from gitorch.state import append_stamped_line
from gitorch.steer.messages import queue, run_messages, waiting
from gitorch.steer.reach import reachable
from gitorch.tracks.claims import TrackLock
from gitorch.tracks.forked import ForkedRunner
from gitorch.tracks.launch import spawn_runner
from gitorch.tracks.lifeline import StopFlag, check_handed_lock
from gitorch.tracks.log import open_track_log
from gitorch.tracks.records import REPAIRING, TrackRecord, now
from gitorch.tracks.wip import save_wip


def send(project: Project, track: TrackId, text: str) -> list[str]:
    """Queue text for the track's agent, and start a runner for it if none is at work."""
    if not text.strip():
        raise GitorchError(f"the message is empty; gitorch send {track} 'what to do'")
    record = reachable(project, track, "there is no agent to send to")
    if record.state in REPAIRING:
        raise GitorchError(f"track {track} is {record.state}; send once its repair ends "
                           f"(gitorch logs {track} -f)")
    # Queued before the lock is tried: a runner lets go of the lock before its last look
    # at the queue, so one of the two sees the message.
    count = queue(project, track, text)
    lock = TrackLock.try_acquire(project.state.lockfile(track))
    if lock is None:
        return [f"Queued for {track} ({count} waiting): its agent gets it after phase "
                f"{record.phase or 'it is in'}, before the pipeline goes on; "
                f"gitorch logs {track} -f"]
    try:
        process = _launch(project, track, lock)
    finally:
        lock.release()
    return [f"Sent to {track} ({record.state}): a runner (PID {process.pid}) gives it to "
            f"the agent as phase message; gitorch logs {track} -f"]


def pass_on(project: Project, track: TrackId, lock_fd: int, go_on: bool) -> None:
    """At a runner's end: let go of the track's lock, then (go_on) start a runner for
    messages sent since the runner last looked (a send that found the lock held left them
    to it)."""
    os.close(lock_fd)
    if not go_on or not waiting(project, track):
        return
    lock = TrackLock.try_acquire(project.state.lockfile(track))
    if lock is None:
        return  # a send or a start holds it now, and runs them
    try:
        _launch(project, track, lock)
    finally:
        lock.release()


def _launch(project: Project, track: TrackId, lock: TrackLock
            ) -> subprocess.Popen[bytes] | ForkedRunner:
    """A runner of the track's waiting messages, in its own session, inheriting the lock."""
    with open(project.state.log(track), "ab") as output:
        return spawn_runner(project, track, lock, output, ("--message",))


def run_alone(cwd: Path, track: TrackId, lock_fd: int) -> int:
    """The runner of a track's waiting messages, holding its lock; its state is kept."""
    stop = StopFlag()
    project = open_project(cwd)
    check_handed_lock(project, track, lock_fd, f"gitorch send {track}")
    record = TrackRecord.load(project, track)
    if record is None:
        raise GitorchError(f"track {track} has no record; use gitorch start")
    log = open_track_log(project, track)
    record.pid = os.getpid()
    record.save(project)
    append_stamped_line(project.state.runs_log, f"message {track} pid={os.getpid()}")
    worktree = Path(record.worktree)
    try:
        env = {"GITORCH_TRACK": str(track), "GITORCH_GROUP": track.group,
               "GITORCH_WORKTREE": str(worktree)}
        if record.slot is not None:
            env["GITORCH_SLOT"] = str(record.slot)
        run_messages(project, record, log, stop, env)
        if (worktree / ".git").exists():
            save_wip(project, track, worktree)
        log.line(f"Track {track} is {record.state} again after its messages")
        record.pid, record.agent_pgid, record.updated_at = None, None, now()
        record.save_unless_landed(project)
    finally:
        log.close()
    return 0
