"""Case resume: the tokens spent to finish a track cut at its midpoint, resumed or restarted.

One track of one phase, run by the claude preset whose CLI is session_agent.py, a stand-in
with a token model: each of its 8 turns sends the whole conversation so far as input. At
its midpoint (4 turns) the agent waits and `gitorch stop` cuts the phase short; `gitorch
start --track A/1 --wait` then finishes it, with `agent.resume: true` (the session
continued with a short prompt) against `false` (the phase run again from its start). The
tokens are the API's bill (every call's input and output, the cut run's included), the two
ways taking turns, each round on a fresh track. Also timed: from the stop to the track done.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from benchmarks.common import CaseResult, Ratio, Row, git, gitorch, timed, wait_until

ROADMAP = "# Roadmap\n\n## Group A: Resume\n\n### Track 1: Long task\nEight turns of work.\n"
AGENT = Path(__file__).with_name("session_agent.py")


def _repo(folder: Path, resume: bool) -> Path:
    repo = folder / "repo"
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    (repo / "ROADMAP.md").write_text(ROADMAP)
    # The sandbox is off: the stand-in keeps its sessions and bill outside the worktree.
    (repo / "gitorch.yaml").write_text(
        "remote: null\nsandbox: {mode: 'off'}\nphases: [{name: work}]\n"
        f"agent:\n  preset: claude\n  timeout: 5m\n  resume: {'true' if resume else 'false'}\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Start the resume benchmark")
    gitorch(repo, "init")
    return repo


def _round(folder: Path, repo: Path) -> tuple[int, float]:
    """One track cut at its midpoint and finished: the tokens billed, and the seconds from
    the stop to the track done."""
    shutil.rmtree(folder / "sessions", ignore_errors=True)
    (folder / "cut").unlink(missing_ok=True)
    (folder / "sessions").mkdir()
    (folder / "bill").write_text("")
    env = {"BENCH_SESSIONS": str(folder / "sessions"), "BENCH_BILL": str(folder / "bill"),
           "BENCH_CUT_FILE": str(folder / "cut"), "IS_SANDBOX": "1",
           "PATH": f"{folder / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    gitorch(repo, "start", "--track", "A/1", env={**env, "BENCH_CUT": "4"})
    wait_until((folder / "cut").exists, 60, "the agent at its midpoint")
    seconds = timed(lambda: (gitorch(repo, "stop", "A/1"),
                             gitorch(repo, "start", "--track", "A/1", "--wait", env=env)))
    record = json.loads((repo / ".git/gitorch/tracks/group_A_track_1.json").read_text())
    if record["state"] != "done":
        raise RuntimeError(f"the track ended {record['state']}: {record['reason']}")
    billed = sum(int(n) for text in (folder / "bill").read_text().splitlines()
                 for n in text.split())
    gitorch(repo, "discard", "A/1")
    return billed, seconds


def run_case(folder: Path, quick: bool) -> CaseResult:
    rounds = 3 if quick else 7
    result = CaseResult("resume", "tokens to finish a track cut at its midpoint",
                        f"1 track, 1 phase of 8 turns, each sending the whole conversation; "
                        f"cut by gitorch stop after 4; median of {rounds} rounds, "
                        "the two ways in turns")
    ways = {}
    for name, resume in (("resumed", True), ("restarted", False)):
        place = folder / name
        place.mkdir(parents=True)
        (place / "bin").mkdir()
        (place / "bin" / "claude").symlink_to(AGENT)
        ways[name] = (place, _repo(place, resume))
    tokens: dict[str, list[float]] = {name: [] for name in ways}
    seconds: dict[str, list[float]] = {name: [] for name in ways}
    for number in range(rounds):
        order = list(ways.items())
        if number % 2:
            order.reverse()
        for name, (place, repo) in order:
            billed, took = _round(place, repo)
            tokens[name].append(billed)
            seconds[name].append(took)
    result.rows = [Row(f"stop, then start --wait to done: {name}", seconds[name])
                   for name in ways]
    bills = {name: Row(name, tokens[name]) for name in ways}
    pairs = [a / b for a, b in zip(tokens["resumed"], tokens["restarted"], strict=True)]
    result.ratios.append(Ratio("tokens: resumed / restarted", bills["resumed"].median
                               / bills["restarted"].median, ("<=", 0.9), min(pairs),
                               max(pairs)))
    result.notes += [f"tokens billed, {name}: median {row.median:,.0f} "
                     f"(min {min(row.samples):,.0f}, max {max(row.samples):,.0f})"
                     for name, row in bills.items()]
    return result
