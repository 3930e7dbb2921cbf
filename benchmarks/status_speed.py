"""Case status: `gitorch status --json` and `--line` with 8 tracks, 4 done and 4 running.

On the 20,100-file repository (5,100 files with --quick), `gitorch start --wait` finishes
tracks 1-4 (2 commits each); a second `gitorch start` leaves tracks 5-8 running, their
agents asleep after one commit. `gitorch status --json` is then timed against `gitorch
--version` (the console script's own start-up: Python, click), against importing every
module status imports and doing nothing else (so status minus that is its work; made as
status makes them, with the dataclasses' code it keeps in the state folder), and against
`git status` in the main worktree (which status runs too). A run with
PYTHONPROFILEIMPORTTIME (python -X importtime) names those modules and says which cost
most; one with a counting `git` shim on PATH says how many git processes status starts;
the CPU time of a few more (git's included) says how much of the machine a status takes.
The agents are stopped at the end. `gitorch status --line`, which reads only the track
records, is timed against `git rev-parse HEAD`, the least a prompt that shows git's state
runs.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from benchmarks.common import (
    GITORCH,
    CaseResult,
    Check,
    Ratio,
    Row,
    cpu,
    git,
    git_process_count,
    gitorch,
    interleaved,
    ratio,
    timed,
    wait_until,
)
from benchmarks.repo import describe, make_repository, size_for

TRACKS = 8


def import_times(repo: Path) -> dict[str, float]:
    """Each imported module's cumulative import time in ms, from one `gitorch status --json`."""
    done = subprocess.run([GITORCH, "status", "--json"], cwd=repo, capture_output=True,
                          text=True, check=True,
                          env={**os.environ, "PYTHONPROFILEIMPORTTIME": "1"})
    found = {}
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line.removeprefix("import time:").split("|")
        found[name.strip()] = int(cumulative) / 1000
    return found


def cpu_per_run(action: Callable[[], object], runs: int) -> float:
    """The median CPU ms (user + system) of the processes one call of action waits for."""
    return statistics.median(cpu(action) * 1000 for _ in range(runs))


def run_case(folder: Path, quick: bool) -> CaseResult:
    runs = 5 if quick else 15
    size = size_for(quick)
    result = CaseResult("status", "status --json, 8 tracks",
                        f"{describe(size)}, {TRACKS} tracks: 4 done, 4 running (sleeping agents); "
                        f"median of {runs} runs, interleaved, after 1 warm-up round")
    repo = make_repository(folder, TRACKS, 4, size)
    try:
        gitorch(repo, "start", "--wait", env={"AGENT_COMMITS": "2"})
        gitorch(repo, "start", env={"AGENT_COMMITS": "1", "AGENT_SLEEP": "3600"})
        records = [repo / ".git" / "gitorch" / "tracks" / f"group_A_track_{n}.json"
                   for n in range(5, TRACKS + 1)]
        wait_until(lambda: all(r.exists() and json.loads(r.read_text())["agent_pgid"]
                               for r in records), 120, "the sleeping agents")
        document = json.loads(gitorch(repo, "status", "--json").stdout)
        states = sorted(t["state"] for t in document["tracks"])
        seen = states == ["done"] * 4 + ["running"] * 4
        result.checks.append(Check("status saw 4 done and 4 running"
                                   + ("" if seen else f" (it saw {', '.join(states)})"), seen))
        imports = import_times(repo)
        # As status imports them: with the dataclasses' code kept by the runs above, and no
        # garbage collector.
        importing = [sys.executable, "-c",
                     "import gc; gc.disable()\n"
                     "from gitorch.compiled import compiled_dataclasses\n"
                     "with compiled_dataclasses():\n"
                     " import " + ", ".join(n for n in imports if n.startswith("gitorch"))]
        samples = interleaved(runs, {
            "gitorch status --json": lambda: timed(lambda: gitorch(repo, "status", "--json")),
            "gitorch --version": lambda: timed(lambda: gitorch(repo, "--version")),
            "status's imports alone": lambda: timed(
                lambda: subprocess.run(importing, cwd=repo, check=True)),
            "git status": lambda: timed(lambda: git(repo, "status", "--porcelain")),
            "gitorch status --line": lambda: timed(lambda: gitorch(repo, "status", "--line")),
            "git rev-parse HEAD": lambda: timed(lambda: git(repo, "rev-parse", "HEAD")),
        })
        result.rows = [Row(name, took) for name, took in samples.items()]
        status = result.row("gitorch status --json")
        result.ratios += [ratio("status / gitorch --version", status,
                                result.row("gitorch --version")),
                          ratio("status / its imports alone", status,
                                result.row("status's imports alone")),
                          ratio("status / git status", status, result.row("git status")),
                          Ratio("status --json: median ms (budget 100)", status.median * 1000,
                                ("<=", 100.0), unit="ms"),
                          ratio("status --line / git rev-parse HEAD",
                                result.row("gitorch status --line"),
                                result.row("git rev-parse HEAD")),
                          Ratio("status --line: median ms (budget 30)",
                                result.row("gitorch status --line").median * 1000,
                                ("<=", 30.0), unit="ms")]
        line = gitorch(repo, "status", "--line").stdout.strip()
        result.checks.append(Check(f"status --line says {line!r}",
                                   line == "▶ A 4 running · 4 to land"))
        result.notes.append(f"CPU per status --json, its git processes included: "
                            f"{cpu_per_run(lambda: gitorch(repo, 'status', '--json'), 5):.0f} "
                            f"ms (user + system; {os.cpu_count()} CPUs)")
        top = sorted(((ms, name) for name, ms in imports.items()
                      if name.startswith(("gitorch", "yaml", "click",
                                          "platformdirs", "importlib.metadata"))),
                     reverse=True)[:6]
        result.notes.append("imports (cumulative, one run): " + ", ".join(
            f"{name} {ms:.0f} ms" for ms, name in top))
        count = git_process_count(lambda env: gitorch(repo, "status", "--json", env=env),
                                  folder)
        result.notes.append(f"status starts {count} git processes")
    finally:
        subprocess.run([GITORCH, "stop", "--all"], cwd=repo, capture_output=True, check=False)
    return result
