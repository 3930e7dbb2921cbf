"""One agent run: its own process group, output streamed to the log, a timeout, a stop."""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from gitorch.agents.outcomes import STUCK, Signal
from gitorch.agents.stream import StreamReader
from gitorch.config.durations import format_duration
from gitorch.process import child_env, end_group, signal_group
from gitorch.sandbox.jail import Jail
from gitorch.tracks.log import MAX_LINE, TrackLog


@dataclass(frozen=True)
class AgentOutcome:
    """How an agent run ended: its exit code, or why it was ended."""

    exit_code: int
    reason: str | None = None  # None: it exited by itself
    stopped: bool = False
    ended: Signal | None = None  # ended by gitorch as stuck, or on a line that says so


@dataclass(frozen=True)
class Limits:
    """How long a run may take in all, and stay silent."""

    timeout: float
    idle_timeout: float = float("inf")


class _Output:
    """The reader thread's side: lines to the log, and when the last one came."""

    def __init__(self, log: TrackLog, reader: StreamReader | None) -> None:
        self.log, self.reader = log, reader
        self.last = time.monotonic()

    def copy(self, agent: subprocess.Popen[bytes]) -> None:
        assert agent.stdout is not None
        for data in iter(lambda: agent.stdout.readline(MAX_LINE), b""):  # type: ignore[union-attr]
            self.last = time.monotonic()
            if self.reader is None:
                self.log.raw(data)
                continue
            text = data.rstrip(b"\r\n").decode("utf-8", "replace").replace("\x00", "\\0")
            for line in self.reader.feed(text):
                self.log.line(line)


def run_agent(argv: tuple[str, ...], stdin: str | None, *, cwd: Path, env: Mapping[str, str],
              timeout: float | Limits, log: TrackLog, stopping: Callable[[], bool],
              started: Callable[[int], None],
              reader: StreamReader | None = None, jail: Jail | None = None) -> AgentOutcome:
    """Run argv to its end; kill its whole process group on timeout or when stopping().

    With a reader, its lines go through it (JSON made readable, signals noted), and a line
    it says waiting will not help with ends the run at once. With a jail, argv runs in it.
    """
    limits = timeout if isinstance(timeout, Limits) else Limits(timeout)
    full_env = child_env(env)
    try:
        agent = subprocess.Popen(
            jail.argv(argv) if jail else list(argv), cwd=cwd,
            env=jail.env(full_env) if jail else full_env, start_new_session=True,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )
    except FileNotFoundError:
        missing = argv[0] if cwd.is_dir() else str(cwd)
        return AgentOutcome(127, f"{missing}: not found")
    except OSError as error:
        return AgentOutcome(126, f"cannot run {argv[0]}: {error.strerror}")
    started(agent.pid)
    output = _Output(log, reader)
    copier = threading.Thread(target=output.copy, args=(agent,), daemon=True)
    copier.start()
    if stdin is not None:
        threading.Thread(target=_feed, args=(agent, stdin), daemon=True).start()
    outcome = _wait(agent, limits, stopping, output)
    # Children the agent left behind would hold the output pipe open forever.
    copier.join(timeout=2.0)
    if copier.is_alive():
        signal_group(agent.pid, signal.SIGKILL)
        copier.join(timeout=2.0)
    return outcome


def _wait(agent: subprocess.Popen[bytes], limits: Limits, stopping: Callable[[], bool],
          output: _Output) -> AgentOutcome:
    deadline = time.monotonic() + limits.timeout
    ending = _Ending(agent)
    try:
        while True:
            code = ending.within(0.2)
            if code is not None:
                return AgentOutcome(code)
            outcome = _check(agent, limits, stopping, output, deadline)
            if outcome is not None:
                return outcome
    finally:
        ending.close()


class _Ending:
    """Waiting a while for the agent to end: woken once, by the system, where it can say
    when a process ends (a pidfd); elsewhere by Popen.wait's polls, dozens a second."""

    def __init__(self, agent: subprocess.Popen[bytes]) -> None:
        self.agent = agent
        self.fd: int | None = None
        self.ended = select.poll()  # not select(): no limit on the descriptor's number
        with contextlib.suppress(AttributeError, OSError):  # not Linux 5.3 or later
            self.fd = os.pidfd_open(agent.pid)
            self.ended.register(self.fd, select.POLLIN)

    def within(self, seconds: float) -> int | None:
        """The agent's exit code if it ends within seconds, else None."""
        if self.fd is None:
            try:
                return self.agent.wait(timeout=seconds)
            except subprocess.TimeoutExpired:
                return None
        self.ended.poll(seconds * 1000)
        return self.agent.poll()

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)


def _check(agent: subprocess.Popen[bytes], limits: Limits, stopping: Callable[[], bool],
           output: _Output, deadline: float) -> AgentOutcome | None:
    """Why to end a running agent now, if there is a reason."""
    if stopping():
        return AgentOutcome(end_group(agent), "stopped", stopped=True)
    now = time.monotonic()
    if now > deadline:
        return AgentOutcome(end_group(agent), f"timed out after {limits.timeout:.0f}s")
    told = output.reader.end_now if output.reader is not None else None
    if told is not None:
        return AgentOutcome(end_group(agent), told.line, ended=told)
    if now - output.last > limits.idle_timeout:
        why = f"stuck: no output for {format_duration(limits.idle_timeout)}"
        return AgentOutcome(end_group(agent), why, ended=Signal(STUCK, why))
    return None


def _feed(agent: subprocess.Popen[bytes], text: str) -> None:
    assert agent.stdin is not None
    try:
        agent.stdin.write(text.encode())
        agent.stdin.close()
    except (BrokenPipeError, OSError):
        pass
