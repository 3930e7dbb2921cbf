"""One agent run: its own process group, output streamed to the log, a timeout, a stop."""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from gitorch.process import child_env, end_group, signal_group
from gitorch.tracks.log import MAX_LINE, TrackLog


@dataclass(frozen=True)
class AgentOutcome:
    """How an agent run ended: its exit code, or why it was ended."""

    exit_code: int
    reason: str | None = None  # None: it exited by itself
    stopped: bool = False


def run_agent(argv: tuple[str, ...], stdin: str | None, *, cwd: Path, env: Mapping[str, str],
              timeout: float, log: TrackLog, stopping: Callable[[], bool],
              started: Callable[[int], None]) -> AgentOutcome:
    """Run argv to its end; kill its whole process group on timeout or when stopping()."""
    try:
        agent = subprocess.Popen(
            list(argv), cwd=cwd, env=child_env(env), start_new_session=True,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )
    except FileNotFoundError:
        missing = argv[0] if cwd.is_dir() else str(cwd)
        return AgentOutcome(127, f"{missing}: not found")
    except OSError as error:
        return AgentOutcome(126, f"cannot run {argv[0]}: {error.strerror}")
    started(agent.pid)
    reader = threading.Thread(target=_copy_output, args=(agent, log), daemon=True)
    reader.start()
    if stdin is not None:
        threading.Thread(target=_feed, args=(agent, stdin), daemon=True).start()
    outcome = _wait(agent, timeout, stopping)
    # Children the agent left behind would hold the output pipe open forever.
    reader.join(timeout=2.0)
    if reader.is_alive():
        signal_group(agent.pid, signal.SIGKILL)
        reader.join(timeout=2.0)
    return outcome


def _wait(agent: subprocess.Popen[bytes], timeout: float,
          stopping: Callable[[], bool]) -> AgentOutcome:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return AgentOutcome(agent.wait(timeout=0.2))
        except subprocess.TimeoutExpired:
            pass
        if stopping():
            return AgentOutcome(end_group(agent), "stopped", stopped=True)
        if time.monotonic() > deadline:
            return AgentOutcome(end_group(agent), f"timed out after {timeout:.0f}s")


def _copy_output(agent: subprocess.Popen[bytes], log: TrackLog) -> None:
    assert agent.stdout is not None
    for line in iter(lambda: agent.stdout.readline(MAX_LINE), b""):  # type: ignore[union-attr]
        log.raw(line)


def _feed(agent: subprocess.Popen[bytes], text: str) -> None:
    assert agent.stdin is not None
    try:
        agent.stdin.write(text.encode())
        agent.stdin.close()
    except (BrokenPipeError, OSError):
        pass
