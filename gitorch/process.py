"""The one helper that runs child processes: argument lists only, never a shell."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, NoReturn, TypeVar

from gitorch.errors import GitorchError

# Set by git for hooks and by `git rebase --exec`; inherited, they would point a child git
# process at the wrong repository or index.
GIT_LOCAL_VARIABLES = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_COMMON_DIR",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_PREFIX",
    "GIT_NAMESPACE",
)


class TimedOut(GitorchError):
    """A child that ran past its timeout (and was killed)."""


class ProcessError(GitorchError):
    """A child process exited non-zero; carries what it said."""

    def __init__(self, argv: Sequence[str], returncode: int, stdout: str, stderr: str) -> None:
        self.argv = tuple(argv)
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        said = (stderr.strip() or stdout.strip()).splitlines()
        # git's own verdict, not the advice it prints after it ("remove the file manually").
        flagged = [line for line in said if line.startswith(("fatal:", "error:"))]
        reason = (flagged or said or ["no output"])[-1]
        super().__init__(f"`{' '.join(argv[:3])}` exited {returncode}: {reason}")


@dataclass(frozen=True)
class Completed:
    """What a finished child process returned."""

    returncode: int
    stdout: str
    stderr: str


def child_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a child: ours, less git's per-repository variables, plus extra."""
    env = {k: v for k, v in os.environ.items() if k not in GIT_LOCAL_VARIABLES}
    env.update(extra or {})
    return env


def _git_local_set() -> bool:
    return any(name in os.environ for name in GIT_LOCAL_VARIABLES)


def run(
    argv: Sequence[str],
    cwd: Path | None = None,
    *,
    check: bool = True,
    input: str | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> Completed:
    """Run argv to completion and return its output; raise ProcessError on failure if check."""
    done = _spawn(argv, cwd, input=input, env=env, timeout=timeout, text=True)
    if check and done.returncode != 0:
        raise ProcessError(argv, done.returncode, done.stdout, done.stderr)
    return Completed(done.returncode, done.stdout, done.stderr)


def run_bytes(argv: Sequence[str], cwd: Path | None = None) -> bytes | None:
    """Run argv and return its raw stdout, or None if it exited non-zero."""
    done = _spawn(argv, cwd, input=None, env=None, timeout=None, text=False)
    return done.stdout if done.returncode == 0 else None


def _spawn(
    argv: Sequence[str],
    cwd: Path | None,
    *,
    input: str | None,
    env: Mapping[str, str] | None,
    timeout: float | None,
    text: bool,
) -> subprocess.CompletedProcess[Any]:
    try:
        return subprocess.run(
            list(argv),
            cwd=cwd,
            input=input,
            capture_output=True,
            text=text,
            errors="replace" if text else None,
            # None passes our own environment on as it is, without building a copy for
            # each of the many git processes a command runs.
            env=child_env(env) if env or _git_local_set() else None,
            timeout=timeout,
            check=False,
            stdin=None if input is not None else subprocess.DEVNULL,
        )
    except FileNotFoundError as missing:
        raise GitorchError(f"{argv[0]}: command not found") from missing
    except subprocess.TimeoutExpired as slow:
        raise TimedOut(f"`{' '.join(argv[:3])}` did not finish within {timeout:g}s") from slow


def detach(argv: Sequence[str], cwd: Path | None = None) -> None:
    """Start argv in a session of its own, its output discarded, and do not wait for it.

    Python reaps it at a later start of a child, once it has ended.
    """
    try:
        subprocess.Popen(list(argv), cwd=cwd, env=child_env(), start_new_session=True,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    except FileNotFoundError as missing:
        raise GitorchError(f"{argv[0]}: command not found") from missing


class Running:
    """A child started now and read later, so that its work overlaps ours."""

    def __init__(self, argv: Sequence[str], cwd: Path | None) -> None:
        self.argv = list(argv)
        try:
            self._child = subprocess.Popen(
                self.argv, cwd=cwd, env=child_env(), stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace")
        except FileNotFoundError as missing:
            raise GitorchError(f"{argv[0]}: command not found") from missing

    def result(self, *, check: bool = True) -> Completed:
        """Wait for it; raise ProcessError on failure if check."""
        stdout, stderr = self._child.communicate()
        if check and self._child.returncode != 0:
            raise ProcessError(self.argv, self._child.returncode, stdout, stderr)
        return Completed(self._child.returncode, stdout, stderr)


class Piped:
    """A child kept running to answer requests on its stdin, one at a time (bytes both ways).

    It sees the end of its input, and ends, once this object is gone or this process exits.
    """

    def __init__(self, argv: Sequence[str], cwd: Path | None) -> None:
        self.argv = list(argv)
        self._lock = threading.Lock()
        try:
            self._child = subprocess.Popen(
                self.argv, cwd=cwd, env=child_env(), stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        except FileNotFoundError as missing:
            raise GitorchError(f"{argv[0]}: command not found") from missing

    def ask(self, request: bytes, body_size: Callable[[bytes], int]) -> tuple[bytes, bytes]:
        """Write request; the answer's first line, and the body_size(line) bytes after it."""
        stdin, stdout = self._child.stdin, self._child.stdout
        assert stdin is not None and stdout is not None
        with self._lock:
            try:
                stdin.write(request)
                stdin.flush()
            except BrokenPipeError:
                self._ended()
            line = stdout.readline()
            if not line.endswith(b"\n"):
                self._ended()
            size = body_size(line)
            body = stdout.read(size) if size else b""
            if len(body) != size:
                self._ended()
        return line, body

    def _ended(self) -> NoReturn:
        assert self._child.stderr is not None
        said = self._child.stderr.read().decode(errors="replace").strip().splitlines()
        raise GitorchError(f"`{' '.join(self.argv[:3])}` ended before answering: "
                           + (said[-1] if said else f"exit code {self._child.wait()}"))


T = TypeVar("T")


class Meanwhile(Generic[T]):
    """A call begun now in a thread, so that the processes it waits on overlap ours.

    result() waits for it and returns what it returned, or raises what it raised.
    """

    def __init__(self, call: Callable[..., T], *args: Any) -> None:
        self._value: T | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(call, args), daemon=True)
        self._thread.start()

    def _run(self, call: Callable[..., T], args: tuple[Any, ...]) -> None:
        try:
            self._value = call(*args)
        except BaseException as error:  # handed to result(), which raises it in the caller
            self._error = error

    def result(self) -> T:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]


def signal_group(pgid: int | None, sig: signal.Signals) -> None:
    """Send sig to a whole process group; a group that is already gone is fine."""
    if pgid is None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def end_group(leader: subprocess.Popen[Any], grace: float = 5.0) -> int:
    """SIGTERM the process group leader leads, SIGKILL it after grace; its exit code."""
    signal_group(leader.pid, signal.SIGTERM)
    try:
        return leader.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        signal_group(leader.pid, signal.SIGKILL)
        return leader.wait()
