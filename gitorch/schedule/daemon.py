"""The scheduler as a process: one per repository, foreground or detached, and ending it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from gitorch.config.durations import format_duration, parse_duration
from gitorch.errors import GitorchError
from gitorch.liveness import pid_running, this_host
from gitorch.process import child_env
from gitorch.project import Project
from gitorch.sandbox.probe import fallback_notice
from gitorch.schedule.loop import Scheduler
from gitorch.schedule.run_types import Options, Summary
from gitorch.schedule.wakeup import ChildWake
from gitorch.state import read_json, read_pid, write_json
from gitorch.tracks.claims import TrackLock
from gitorch.tracks.records import now, pid_alive
from gitorch.tracks.runner import append_run_line

SCHEDULER_STOP_GRACE = 15.0  # it finishes the start or land under way, then exits
DETACHED_LOG = "run.log"
SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


@dataclass(frozen=True)
class RunSettings:
    """The flags of `gitorch run`; None: the configured value."""

    every: str | None = None
    for_: str | None = None
    parallel: int | None = None
    hard_stop: bool = False
    grace: str = "30s"


@dataclass(frozen=True)
class Detached:
    """A scheduler started in the background."""

    pid: int
    log: Path


class _StopFlag:
    """Set by SIGTERM, SIGINT or SIGHUP: the loop stops launching and returns."""

    def __init__(self) -> None:
        self.set = False
        self._before = {sig: signal.signal(sig, self._handle) for sig in SIGNALS}

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.set = True

    def restore(self) -> None:
        for sig, handler in self._before.items():
            signal.signal(sig, handler)


def _grace(settings: RunSettings) -> float:
    try:
        return parse_duration(settings.grace)
    except ValueError:
        raise GitorchError(f"--grace: expected a duration like 30s or 2m, not "
                           f"{settings.grace!r}") from None


def _lock_path(project: Project) -> Path:
    return project.state.root / "locks" / "run.lock"


def _take_lock(project: Project) -> TrackLock:
    """The repository's one scheduler lock; a second run names the first's PID."""
    lock = TrackLock.try_acquire(_lock_path(project))
    if lock is None:
        pid = read_pid((read_json(project.state.scheduler) or {}).get("pid"))
        raise GitorchError(f"another gitorch run is running here (PID {pid or 'unknown'}); "
                           "stop it with gitorch stop --all, or wait for it")
    return lock


def _inherited_lock(project: Project, fd: int) -> TrackLock:
    """The lock a detaching parent handed down, checked to be the run lock."""
    try:
        held, expected = os.fstat(fd), os.stat(_lock_path(project))
        handed = (held.st_dev, held.st_ino) == (expected.st_dev, expected.st_ino)
    except OSError:
        handed = False
    if not handed:
        raise GitorchError("the scheduler was not handed its lock; use gitorch run")
    return TrackLock(os.fdopen(fd, "a+b"))


def _write_record(project: Project, pid: int, settings: dict[str, Any]) -> None:
    write_json(project.state.scheduler, {"pid": pid, "host": this_host(),
                                         "started_at": now(), **settings})


def _forget_record(project: Project) -> None:
    """Remove scheduler.json if it is still ours (status then says: not running)."""
    document = read_json(project.state.scheduler)
    if document is not None and document.get("pid") == os.getpid():
        project.state.scheduler.unlink(missing_ok=True)


def run(project: Project, settings: RunSettings, out: Callable[[str], None],
        lock_fd: int | None = None) -> Summary:
    """Schedule in the foreground until done, out of time, stuck, or signalled.

    project carries the run's flags (every, for, parallel) as config overrides.
    """
    project.state.ensure()
    grace = _grace(settings)
    lock = _take_lock(project) if lock_fd is None else _inherited_lock(project, lock_fd)
    stop = _StopFlag()
    try:
        config = project.config
        options = Options(every=config.run.every, for_=config.run.for_,
                          parallel=config.max_parallel, retries=config.run.retries,
                          hard_stop=settings.hard_stop, grace=grace)
        _write_record(project, os.getpid(), {"every": options.every, "for": options.for_,
                                             "parallel": options.parallel})
        append_run_line(project, f"run start pid={os.getpid()} every="
                        f"{format_duration(options.every)} for={format_duration(options.for_)}"
                        f" parallel={options.parallel}")
        notice = fallback_notice(config.sandbox.mode)
        if notice:
            out(notice)
        with ChildWake() as wake:
            summary = Scheduler(project, options, out, lambda: stop.set, wake.pause).run()
        append_run_line(project, f"run end {summary.reason} landed={len(summary.landed)} "
                        f"failed={len(summary.failed)} conflicts={len(summary.conflicts)} "
                        f"needs-review={len(summary.needs_review)} pushes={summary.pushes}")
        return summary
    finally:
        stop.restore()
        _forget_record(project)
        lock.release()


def detach(project: Project, settings: RunSettings) -> Detached:
    """Start the scheduler in its own session, output to <state>/run.log; return its PID."""
    project.state.ensure()
    _grace(settings)
    lock = _take_lock(project)
    try:
        log = project.state.root / DETACHED_LOG
        config = project.config
        argv = [sys.executable, "-m", "gitorch", "run",
                "--every", format_duration(config.run.every),
                "--for", format_duration(config.run.for_),
                "--parallel", str(config.max_parallel), "--grace", settings.grace,
                "--lock-fd", str(lock.fd)]
        if settings.hard_stop:
            argv.append("--hard-stop")
        with open(log, "ab") as output:
            child = subprocess.Popen(argv, cwd=project.paths.main_worktree,
                                     stdin=subprocess.DEVNULL, stdout=output,
                                     stderr=subprocess.STDOUT, start_new_session=True,
                                     pass_fds=(lock.fd,), env=child_env())
        # Written here too, so status shows it before the child has started up.
        _write_record(project, child.pid, {"log": str(log)})
    finally:
        lock.release()
    return Detached(child.pid, log)


def is_our_scheduler(pid: int) -> bool:
    """Whether pid is still a gitorch scheduler (run, or the demo), not a reused PID."""
    cmdline = Path(f"/proc/{pid}/cmdline")
    if not Path("/proc/self").exists():
        return True  # no /proc: trust the record
    try:
        argv = cmdline.read_bytes().split(b"\0")
    except OSError:
        return False
    return any(b"gitorch" in arg for arg in argv) and (b"run" in argv or b"demo" in argv)


def end_scheduler(project: Project, grace: float = SCHEDULER_STOP_GRACE) -> int | None:
    """SIGTERM the recorded scheduler and wait for it to exit; its PID, or None if none ran."""
    document = read_json(project.state.scheduler) or {}
    pid = read_pid(document.get("pid"))
    if (pid is None or pid == os.getpid()
            or not pid_alive(pid, document.get("host")) or not is_our_scheduler(pid)):
        return None
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while pid_running(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if pid_running(pid):
        os.kill(pid, signal.SIGKILL)  # the claims keep its runners' tracks safe
    return pid
