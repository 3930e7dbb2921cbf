"""What every case shares: an isolated environment, git and gitorch as processes, the clock,
and the shape of a result (samples, ratios against a baseline, notes).
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

GITORCH = str(Path(sys.executable).parent / "gitorch")  # the installed console script
IDENTITY = {
    "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.com",
}
# Set by git for hooks; inherited, they would point our git processes at another repository.
GIT_LOCAL = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR",
             "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_PREFIX")
NO_HOOKS = ["-c", "core.hooksPath=/dev/null"]


@contextmanager
def isolated_environment(root: Path) -> Iterator[None]:
    """HOME, XDG folders and git's config inside root, a fixed identity, no colour.

    Set on os.environ itself, so that child processes and the in-process cases (the
    replay, makespan.py) see the same settings; put back afterwards.
    """
    home = root / "home"
    home.mkdir(parents=True, exist_ok=True)
    (home / ".gitconfig").write_text("[init]\n\tdefaultBranch = main\n[user]\n\tname = Bench\n"
                                     "\temail = bench@example.com\n")
    before = dict(os.environ)
    for name in GIT_LOCAL:
        os.environ.pop(name, None)
    os.environ.update(IDENTITY)
    os.environ.update({"HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1", "NO_COLOR": "1",
                       "XDG_CONFIG_HOME": str(home / ".config"),
                       "XDG_STATE_HOME": str(home / ".state"),
                       "XDG_CACHE_HOME": str(home / ".cache"),
                       "XDG_DATA_HOME": str(home / ".data")})
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(before)


def git(cwd: Path, *args: str, input: str | None = None,
        env: Mapping[str, str] | None = None) -> str:
    """Run git in cwd; its stdout. Raises with git's own words on failure."""
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, input=input,
                          env={**os.environ, **env} if env else None, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} in {cwd} exited {done.returncode}: "
                           f"{done.stderr.strip()}")
    return done.stdout


def gitorch(cwd: Path, *args: str, env: Mapping[str, str] | None = None,
            timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run the real `gitorch` console script in cwd; raises unless it exits 0."""
    done = subprocess.run([GITORCH, *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **env} if env else None, timeout=timeout,
                          check=False)
    if done.returncode != 0:
        raise RuntimeError(f"gitorch {' '.join(args)} exited {done.returncode}: "
                           f"{done.stderr.strip()} {done.stdout.strip()}")
    return done


def timed(action: Callable[[], Any]) -> float:
    """Seconds action takes, by time.perf_counter."""
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


def cpu(action: Callable[[], Any]) -> float:
    """CPU seconds (user + system) of the child processes action waits for."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    action()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def wait_until(ready: Callable[[], bool], timeout: float, what: str,
               every: float = 0.05) -> None:
    """Poll ready until it holds; raise after timeout seconds."""
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise RuntimeError(f"gave up after {timeout:.0f}s waiting for {what}")
        time.sleep(every)


def interleaved(runs: int, ways: Mapping[str, Callable[[], float]],
                warmup: int = 1) -> dict[str, list[float]]:
    """Each way's seconds over runs rounds, the ways taking turns within every round.

    A way returns the seconds it measured (its own setup and reset stay off the clock).
    The first warmup rounds fill the caches and are not kept. On a shared, noisy machine,
    taking turns makes drift in its load fall on every way alike. Before each way the disk
    is synced, so that what the last reset wrote is not flushed inside the next timing.
    """
    samples: dict[str, list[float]] = {name: [] for name in ways}
    for round_ in range(warmup + runs):
        order = list(ways.items())
        if round_ % 2:  # alternate who goes first, so neither always runs on a warm cache
            order.reverse()
        for name, way in order:
            os.sync()
            took = way()
            if round_ >= warmup:
                samples[name].append(took)
    return samples


@dataclass
class Row:
    """One measured thing: its samples in seconds."""

    name: str
    samples: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "median_s": self.median, "min_s": min(self.samples),
                "max_s": max(self.samples), "runs": len(self.samples),
                "samples_s": self.samples}


@dataclass
class Ratio:
    """A ratio of two medians measured in the same run, and the goal it is held to.

    goal: ("<=" or ">=", value), or None when the ratio is only informative. low and high
    are the extremes of the per-round ratios of paired samples, when there are pairs.
    """

    name: str
    value: float
    goal: tuple[str, float] | None = None
    low: float | None = None
    high: float | None = None
    unit: str = "x"  # or "ms", for a difference rather than a ratio

    @property
    def met(self) -> bool | None:
        if self.goal is None:
            return None
        op, bound = self.goal
        return self.value <= bound if op == "<=" else self.value >= bound

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "value": self.value, "unit": self.unit, "low": self.low,
                "high": self.high,
                "goal": None if self.goal is None else f"{self.goal[0]} {self.goal[1]}",
                "met": self.met}


def ratio(name: str, top: Row, bottom: Row, goal: tuple[str, float] | None = None) -> Ratio:
    """top's median over bottom's, with the range of the paired per-round ratios."""
    pairs = [a / b for a, b in zip(top.samples, bottom.samples, strict=False) if b]
    return Ratio(name, top.median / bottom.median, goal, min(pairs, default=None),
                 max(pairs, default=None))


@dataclass
class Check:
    """A yes-or-no outcome a case verifies (equal trees, no double claims, ...)."""

    name: str
    ok: bool

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok}


@dataclass
class CaseResult:
    """What one case measured."""

    name: str
    title: str
    setup: str  # sizes, runs and how the compared things were made
    rows: list[Row] = field(default_factory=list)
    ratios: list[Ratio] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0  # the case's whole wall time, setup included

    def row(self, name: str) -> Row:
        return next(r for r in self.rows if r.name == name)

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "setup": self.setup,
                "rows": [r.as_json() for r in self.rows],
                "ratios": [r.as_json() for r in self.ratios],
                "checks": [c.as_json() for c in self.checks], "notes": self.notes,
                "error": self.error, "seconds": self.seconds}


def git_process_count(run: Callable[[dict[str, str]], object], folder: Path) -> int:
    """How many git processes run(env) starts, counted by a `git` shim first on PATH."""
    real = subprocess.run(["sh", "-c", "command -v git"], capture_output=True, text=True,
                          check=True).stdout.strip()
    shim_dir = folder / "git-shim"
    shim_dir.mkdir(parents=True, exist_ok=True)
    count = shim_dir / "count"
    count.write_text("")
    shim = shim_dir / "git"
    shim.write_text(f'#!/bin/sh\necho x >> "{count}"\nexec "{real}" "$@"\n')
    shim.chmod(0o755)
    run({"PATH": f"{shim_dir}{os.pathsep}{os.environ['PATH']}"})
    return len(count.read_text().splitlines())
