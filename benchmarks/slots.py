"""Case slots: `gitorch run` at 12 tracks x 4 slots up to 128 x 32, and where its CPU goes.

Each run makes a small repository with a bare remote, one group of N independent tracks,
S slots, the three default phases and an agent that, in its work phase, sleeps SLEEP
seconds and commits one file (review and commit exit at once). The whole `gitorch run`
console-script process is timed against the lower bound, rounds x SLEEP (rounds = N / S).

CPU is counted per process, not by the wall clock, since other work shares the machine:
the run's own total is this process's RUSAGE_CHILDREN across it (this process is made the
children's subreaper, so orphaned runners are counted too), and `cpu_probe/sitecustomize.py`,
on the run's PYTHONPATH, has each Python process of the run (the scheduler, each runner)
report its own CPU and that of each child it reaped, by program name: git, the agent, and
anything else. The hook runs inside the agent's `git commit`, so its share is the CPU a
commit costs with the hook over one without, in a track worktree (measured in the same
run, `hook_overhead.measure`), times the commits. gitorch's CPU per track: the scheduler,
the runners, their git children and everything else they started but the agent, and the
hooks. Against it, plain git's same work for a track in the same kind of repository: `git
worktree add -b`, `git rebase` onto the moved main and `git merge --ff-only` into it, `git
worktree remove`, `git branch -D` and, per S tracks, one `git push`.
"""

from __future__ import annotations

import ctypes
import json
import math
import os
import resource
import statistics
import subprocess
import time
from functools import partial
from pathlib import Path
from typing import Any

from benchmarks.common import GITORCH, NO_HOOKS, CaseResult, Check, Ratio, Row, cpu, git
from benchmarks.hook_overhead import measure
from benchmarks.repo import make_repository

SIZES = [(12, 4), (32, 8), (64, 16), (128, 32)]
GOALS = {(12, 4): 1.05, (128, 32): 1.15}
CPU_BUDGET = 0.12  # seconds of gitorch's CPU a track
PROBE = Path(__file__).parent / "cpu_probe"
AGENT = """#!/bin/sh
[ "$GITORCH_PHASE" = work ] || exit 0
sleep "$BENCH_SLEEP"
f="done-${GITORCH_TRACK%/*}-${GITORCH_TRACK#*/}.txt"
echo "$GITORCH_TRACK" > "$f"
git add "$f"
git commit -q -m "$GITORCH_TRACK: slept and committed"
"""
PYTHON = ("python", "gitorch")  # program names of the run's own Python processes


def prepare(folder: Path, tracks: int, slots: int, sandbox: str) -> Path:
    """A small repository of tracks tracks, the sleeping agent, and a bare remote."""
    repo = make_repository(folder, tracks, slots, files_per_folder=0)
    agent = folder / "agent.sh"
    agent.write_text(AGENT)
    agent.chmod(0o755)
    (repo / "gitorch.yaml").write_text(
        f"remote: origin\nmax_parallel: {slots}\nsandbox: {sandbox}\n"
        f"agent:\n  command: [{json.dumps(str(agent))}, '{{prompt_file}}']\n"
        "  timeout: 10m\n")
    git(repo, *NO_HOOKS, "commit", "-q", "-am", "Sleeping agent, default phases")
    git(folder, "init", "-q", "--bare", "origin.git")
    git(repo, "remote", "add", "origin", str(folder / "origin.git"))
    git(repo, "push", "-q", "-u", "origin", "main")
    return repo


def _subreaper() -> None:
    """Orphans of the run (runners outliving their parent) become our children, so counted."""
    ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def _reap_orphans() -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if os.waitpid(-1, os.WNOHANG) == (0, 0):
                time.sleep(0.05)
        except ChildProcessError:
            return


def one_run(folder: Path, tracks: int, slots: int, sleep: float, sandbox: str
            ) -> dict[str, float]:
    """One `gitorch run`: its wall time and its CPU by part, in seconds."""
    repo = prepare(folder, tracks, slots, sandbox)
    log = folder / "cpu.jsonl"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update({"PYTHONPATH": str(PROBE), "GITORCH_BENCH_CPU": str(log),
                "BENCH_SLEEP": f"{sleep:g}"})
    os.sync()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    done = subprocess.run([GITORCH, "run", "--parallel", str(slots)], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=1800, check=False)
    wall = time.perf_counter() - began
    _reap_orphans()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"gitorch run exited {done.returncode}: {done.stdout[-2000:]}"
                           f"{done.stderr[-2000:]}")
    parts = {"wall": wall, "landed": sum(1 for name in git(repo, "ls-tree", "--name-only",
                                                           "main").split()
                                         if name.startswith("done-")),
             "total": (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)}
    parts.update(split(log.read_text().splitlines()))
    return parts


def split(lines: list[str]) -> dict[str, float]:
    """CPU seconds by part from the probe's lines."""
    parts = {"scheduler": 0.0, "runners": 0.0, "git": 0.0, "agent": 0.0, "other": 0.0,
             "runner processes": 0.0}
    for line in lines:
        process: dict[str, Any] = json.loads(line)
        if process["argv"][:1] == ["run"]:
            parts["scheduler"] += process["self"]
        else:
            parts["runners"] += process["self"]
            parts["runner processes"] += 1
        for name, (spent, _) in process["by"].items():
            if name.startswith(PYTHON):
                continue  # it reported itself
            key = "git" if name == "git" else "agent" if name == "agent.sh" else "other"
            parts[key] += spent
    return parts


def plain_git(folder: Path, tracks: int, slots: int) -> list[float]:
    """CPU seconds of plain git's work for each track (the agent's commit not counted)."""
    repo = prepare(folder, tracks, slots, "off")
    spent = []
    for n in range(1, tracks + 1):
        branch, tree = f"plain/{n}", folder / f"wt{n}"
        took = _git_cpu(repo, "worktree", "add", "-q", "-b", branch, str(tree), "main")
        (tree / f"done-{n}.txt").write_text(f"{n}\n")
        git(tree, *NO_HOOKS, "add", f"done-{n}.txt")
        git(tree, *NO_HOOKS, "commit", "-q", "-m", f"Track {n}")
        took += (_git_cpu(tree, "rebase", "-q", "main")
                 + _git_cpu(repo, "merge", "-q", "--ff-only", branch)
                 + _git_cpu(repo, "worktree", "remove", str(tree))
                 + _git_cpu(repo, "branch", "-q", "-D", branch))
        if n % slots == 0 or n == tracks:
            took += _git_cpu(repo, "push", "-q", "origin", "main") / slots
        spent.append(took)
    return spent


def _git_cpu(cwd: Path, *args: str) -> float:
    return cpu(partial(git, cwd, *NO_HOOKS, *args))


def hook_cpu(folder: Path, commits: int) -> float:
    """CPU seconds the hook adds to a commit in a track worktree (median over medians)."""
    samples, _ = measure(folder, commits, clock=cpu)
    return max(0.0, statistics.median(samples["track worktree", True])
               - statistics.median(samples["track worktree", False]))


def run_case(folder: Path, quick: bool, sandbox: str = "off") -> CaseResult:
    runs, sleep = (1, 3.0) if quick else (2, 10.0)
    sizes = SIZES[:2] if quick else SIZES
    result = CaseResult(
        "slots", "gitorch run at 12x4 to 128x32: makespan and CPU a track",
        f"small repository with a bare remote, one group of independent tracks, 3 phases, "
        f"the agent sleeping {sleep:g} s in its work phase and committing once; sandbox: "
        f"{sandbox}; {runs} run(s) a size; CPU by process (scheduler, runners, their git "
        f"and other children, the hook)")
    _subreaper()
    hook = hook_cpu(folder / "hook", 10 if quick else 30)
    plain = plain_git(folder / "plain", 12, 4)
    result.rows.append(Row("plain git, CPU a track", plain))
    per_track: list[float] = []
    for tracks, slots in sizes:
        rows = [one_run(folder / f"{tracks}x{slots}-{i}", tracks, slots, sleep, sandbox)
                for i in range(runs)]
        bound = math.ceil(tracks / slots) * sleep
        name = f"{tracks}x{slots}"
        makespan = Row(f"{name}: makespan", [r["wall"] for r in rows])
        result.rows.append(makespan)
        goal = GOALS.get((tracks, slots))
        result.ratios.append(Ratio(f"{name}: makespan / bound ({bound:g} s)",
                                   makespan.median / bound, ("<=", goal) if goal else None,
                                   min(r["wall"] for r in rows) / bound,
                                   max(r["wall"] for r in rows) / bound))
        mine = [(r["scheduler"] + r["runners"] + r["git"] + r["other"] + hook * tracks)
                / tracks for r in rows]
        per_track += mine
        result.rows.append(Row(f"{name}: gitorch's CPU a track", mine))
        result.checks.append(Check(f"{name}: every track landed, every runner reported",
                                   all(r["landed"] == tracks
                                       and r["runner processes"] == tracks for r in rows)))
        median = {key: statistics.median(r[key] for r in rows) / tracks
                  for key in ("scheduler", "runners", "git", "other", "agent", "total")}
        result.notes.append(
            f"{name}, CPU a track (ms): scheduler {median['scheduler'] * 1000:.0f}, runners "
            f"{median['runners'] * 1000:.0f}, their git {median['git'] * 1000:.0f}, other "
            f"children {median['other'] * 1000:.0f}, hook {hook * 1000:.1f}; the agent "
            f"{(median['agent'] - hook) * 1000:.0f} (not gitorch's); all of the run "
            f"{median['total'] * 1000:.0f}")
    result.ratios += [
        Ratio("gitorch's CPU a track, ms (budget 120)", statistics.median(per_track) * 1000,
              ("<=", CPU_BUDGET * 1000), unit="ms"),
        Ratio("gitorch's CPU a track / plain git's", statistics.median(per_track)
              / statistics.median(plain), ("<=", 2.0))]
    return result
