"""Finding and ending the runners gitorch started, by their recorded PIDs only."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from gitorch.names import TrackId
from gitorch.process import signal_group
from gitorch.project import Project
from gitorch.tracks.records import TrackRecord, now, pid_alive

STOP_GRACE = 10.0  # the runner itself gives its agent 5s before SIGKILL


def is_our_runner(pid: int, track: str) -> bool:
    """Whether pid is still the runner gitorch started for track (not a reused PID).

    A runner started as `gitorch _runner TRACK` says so in its command line; one forked
    from `gitorch run` or `start` has theirs, but holds the track's lockfile open.
    """
    proc = Path(f"/proc/{pid}")
    if not proc.parent.joinpath("self").exists():
        return True  # no /proc: trust the record
    try:
        argv = (proc / "cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return (b"_runner" in argv and track.encode() in argv) or _holds_lockfile(proc, track)


def _holds_lockfile(proc: Path, track: str) -> bool:
    lockfile = f"/gitorch/locks/{TrackId.parse(track).key}.lock"
    try:
        held = [os.readlink(fd) for fd in (proc / "fd").iterdir()]
    except OSError:  # gone meanwhile, or not ours to look into
        return False
    return any(path.endswith(lockfile) for path in held)


def is_our_agent(pgid: int, track: str) -> bool:
    """Whether the process group pgid still leads the agent a runner started for track.

    Agents are any command, so their name says nothing; the environment the runner gave
    them does. Without /proc this cannot be told, and the answer is no.
    """
    try:
        environ = Path(f"/proc/{pgid}/environ").read_bytes().split(b"\0")
    except OSError:
        return False
    return f"GITORCH_TRACK={track}".encode() in environ


def end_runner(record: TrackRecord, grace: float = STOP_GRACE) -> bool:
    """SIGTERM a live runner (it ends its agent and records `stopped`); SIGKILL after grace.

    Returns whether there was a runner to end.
    """
    pid = record.pid
    if pid is None or not pid_alive(pid, record.host) or not is_our_runner(pid, record.track):
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while pid_alive(pid, record.host) and time.monotonic() < deadline:
        time.sleep(0.05)
    if pid_alive(pid, record.host):
        signal_group(pid, signal.SIGKILL)
        signal_group(record.agent_pgid, signal.SIGKILL)
    return True


def stop_runner(project: Project, record: TrackRecord, reason: str) -> tuple[bool, TrackRecord]:
    """End record's runner and mark its track stopped; whether one ran, and the record now."""
    ended = end_runner(record)
    fresh = TrackRecord.load(project, TrackId.parse(record.track)) or record
    mark_stopped(fresh, reason).save(project)
    return ended, fresh


def mark_stopped(record: TrackRecord, reason: str) -> TrackRecord:
    """The record as `stopped`, unless its runner already wrote how it ended."""
    if record.state in ("claimed", "running"):
        record.state, record.reason, record.ended_at = "stopped", reason, now()
        record.phase = None
    return record
