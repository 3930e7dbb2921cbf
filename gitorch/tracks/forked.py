"""Runners forked from the process that claimed their tracks, gitorch already imported.

A runner started as a new Python process spends most of its own CPU importing gitorch
(about 0.12 s of 0.2 s a track); with 32 slots on 2 CPUs that, not the agents, set the
pace. A fork shares the modules its parent (`gitorch run`, `gitorch start`) has loaded.
It is safe only when the parent runs no other thread, since a thread holding a lock at the
fork would leave it held forever in the child; otherwise the runner starts as a process of
its own, as before. The child then runs exactly what `gitorch _runner` runs, and never
returns into its parent's code.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from pathlib import Path

from gitorch import git
from gitorch.git import RepoPaths, objects
from gitorch.names import TrackId
from gitorch.process import GIT_LOCAL_VARIABLES

# Signals as a new Python process has them (it ignores SIGPIPE: a write to an agent that
# exited without reading its prompt raises, and does not kill the runner).
FRESH: dict[signal.Signals, object] = {
    signal.SIGTERM: signal.SIG_DFL, signal.SIGHUP: signal.SIG_DFL,
    signal.SIGCHLD: signal.SIG_DFL, signal.SIGINT: signal.default_int_handler,
    signal.SIGPIPE: signal.SIG_IGN,
}
_UNREAPED: list[ForkedRunner] = []  # forked here and not yet seen ending


class ForkedRunner:
    """A runner forked from this process: its pid, and waiting for it as Popen does."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        """Its exit code once it has ended (reaped then), else None."""
        return self._reap(os.WNOHANG)

    def wait(self) -> int:
        code = self._reap(0)
        assert code is not None
        return code

    def _reap(self, flags: int) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, flags)
            except ChildProcessError:  # reaped elsewhere: its record says how it ended
                self.returncode = 0
                return 0
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode


def can_fork() -> bool:
    """Whether this process may fork a runner: a POSIX fork, and no thread but this one."""
    return hasattr(os, "fork") and threading.active_count() == 1


def fork_runner(paths: RepoPaths, track: TrackId, lock_fd: int, output_fd: int,
                flags: tuple[str, ...] = ()) -> ForkedRunner:
    """Fork a runner for track in paths' main worktree, in its own session: lock_fd handed
    down, output to output_fd, flags as `gitorch _runner` takes them."""
    for stream in (sys.stdout, sys.stderr):  # else the child would write it out again
        with contextlib.suppress(Exception):
            stream.flush()
    # As subprocess does for its children: runners that ended meanwhile are reaped here,
    # so that a long run leaves no zombies behind.
    _UNREAPED[:] = [runner for runner in _UNREAPED if runner.poll() is None]
    # Imported here, once, not in every child: the runner's modules, and failure's.
    from gitorch.failure import fail
    from gitorch.tracks.dispatch import run_runner

    pid = os.fork()
    if pid:
        _UNREAPED.append(ForkedRunner(pid))
        return _UNREAPED[-1]
    code = 3
    try:
        _become_runner(paths.main_worktree, lock_fd, output_fd)
        git.hand_down(paths)  # the repository is where this process found it
        # As a `gitorch _runner` process has it, for whatever reads it.
        sys.argv = ["gitorch", "_runner", str(track), "--lock-fd", str(lock_fd), *flags]
        try:
            code = run_runner(paths.main_worktree, str(track), lock_fd, "--repair" in flags,
                              "--message" in flags)
        except (Exception, KeyboardInterrupt) as error:
            fail(error)  # the exit code and report the CLI gives
    except SystemExit as ended:
        code = ended.code if isinstance(ended.code, int) else 1
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def _become_runner(cwd: Path, lock_fd: int, output_fd: int) -> None:
    """In the child: a session, signals, files and environment of a runner's own."""
    os.setsid()
    for sig, handler in FRESH.items():
        signal.signal(sig, handler)  # type: ignore[arg-type]
    signal.set_wakeup_fd(-1)  # the run loop's wakeup pipe is its own
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(output_fd, 1)
    os.dup2(output_fd, 2)
    # Every other file the parent had open (its start lock above all) is let go. The
    # numbers stay taken, by /dev/null, so that a parent's object closing one later
    # cannot close a file of the runner's that got the same number.
    for fd in _open_fds():
        if fd > 2 and fd not in (lock_fd, null):
            with contextlib.suppress(OSError):
                os.dup2(null, fd)
    sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115 - the runner's own
    sys.stdout = open(1, "w", encoding="utf-8", errors="replace", closefd=False,  # noqa: SIM115
                      buffering=1)
    sys.stderr = open(2, "w", encoding="utf-8", errors="replace", closefd=False,  # noqa: SIM115
                      buffering=1)
    objects.forget_readers()  # the parent's cat-file is not the child's to ask
    for name in GIT_LOCAL_VARIABLES:
        os.environ.pop(name, None)
    os.chdir(cwd)


def _open_fds() -> list[int]:
    try:
        return [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:  # no /proc (macOS): every number up to the limit that is open
        return [fd for fd in range(3, min(os.sysconf("SC_OPEN_MAX"), 65536)) if _is_open(fd)]


def _is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True
