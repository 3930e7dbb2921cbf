"""Overlap-aware scheduling against none: conflicts and makespans of `gitorch run`.

Usage: python benchmarks/overlap.py [RUNS] [SCALE]

A generated plan of 12 tracks, 4 slots, 8 modules under src/. Each track's body names one
or two modules; the plan is drawn (fixed seed) so that 20 of its 66 pairs of tracks name a
common module (30%). The agent (benchmarks/overlap_agent.py) really edits the modules its
track names, so two overlapping tracks that run side by side conflict when the second
lands, and one that starts after the other landed merges cleanly. Each run drives the same
plan through `gitorch run` three times, in fresh repositories with a bare remote, with
`scheduling.overlap` set to off, prefer and strict. There is no repair phase here: a track
that conflicts stays out, and each one would cost a resolve phase.
"""

from __future__ import annotations

import itertools
import json
import random
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import CaseResult, Check, Ratio, Row, git
from gitorch.commands.run import run
from gitorch.demo.sandbox import make_repository
from gitorch.schedule.daemon import RunSettings

TRACKS, SLOTS, MODULES, OVERLAPPING = 12, 4, 8, 20
MODES = ("off", "prefer", "strict")
AGENT = Path(__file__).with_name("overlap_agent.py")


def plan(seed_from: int = 0) -> tuple[list[tuple[str, ...]], list[float]]:
    """Each track's modules and effort: the first seed whose plan has OVERLAPPING pairs."""
    for seed in itertools.count(seed_from):
        rng = random.Random(seed)
        names = [tuple(sorted(rng.sample(range(MODULES), rng.choice((1, 1, 2)))))
                 for _ in range(TRACKS)]
        pairs = sum(1 for a, b in itertools.combinations(names, 2) if set(a) & set(b))
        if pairs == OVERLAPPING:
            efforts = [round(rng.uniform(1.0, 3.0), 1) for _ in range(TRACKS)]
            return [tuple(f"src/module_{m}.py" for m in n) for n in names], efforts
    raise AssertionError("unreachable")


def roadmap_text(modules: list[tuple[str, ...]], efforts: list[float], scale: float) -> str:
    lines = ["# Overlap benchmark", "", "## Group A: Modules", ""]
    for number, (named, effort) in enumerate(zip(modules, efforts, strict=True), 1):
        lines += [f"### Track {number}: Change {' and '.join(named)}",
                  f"Update {', '.join(named)} for track {number}.",
                  f"Effort: {effort * scale:.2f}s", ""]
    return "\n".join(lines)


def config(mode: str) -> str:
    agent = [sys.executable, str(AGENT), "{track}", "{phase}"]
    return (f"remote: origin\nmax_parallel: {SLOTS}\n"
            f"agent:\n  command: {json.dumps(agent)}\n  timeout: 1m\n"
            f"run:\n  every: 1m\n  retries: 0\nscheduling:\n  overlap: {mode}\n")


@dataclass(frozen=True)
class Outcome:
    """One mode's run: its makespan, what landed, what conflicted, overlaps it let run."""

    makespan: float
    landed: int
    conflicts: int
    forced: int
    errors: tuple[str, ...]


def drive(folder: Path, text: str, mode: str) -> Outcome:
    repo = make_repository(folder, text, config(mode))
    for module in range(MODULES):
        (repo / "src" / f"module_{module}.py").parent.mkdir(exist_ok=True)
        (repo / "src" / f"module_{module}.py").write_text(
            f'"""Module {module}."""\n\nowner = "nobody"\n', encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Add the modules")
    git(repo, "push", "-q", "origin", "main")
    said: list[str] = []
    summary = run(repo, RunSettings(every="1m", parallel=SLOTS), said.append)
    forced = sum(1 for line in said if "starts though it overlaps" in line)
    return Outcome(summary.wall, len(summary.landed), len(summary.conflicts), forced,
                   tuple(summary.errors))


def main(runs: int, scale: float) -> dict[str, list[Outcome]]:
    modules, efforts = plan()
    text = roadmap_text(modules, efforts, scale)
    outcomes: dict[str, list[Outcome]] = {mode: [] for mode in MODES}
    for index in range(1, runs + 1):
        for mode in MODES if index % 2 else reversed(MODES):
            with tempfile.TemporaryDirectory() as tmp:
                outcomes[mode].append(drive(Path(tmp), text, mode))
        print(f"run {index}: " + "; ".join(
            f"{mode} {o[-1].makespan:.1f}s, {o[-1].landed} landed, {o[-1].conflicts} "
            f"conflicts, {o[-1].forced} overlapping starts" for mode, o in outcomes.items()),
            flush=True)
        for mode, found in outcomes.items():
            for error in found[-1].errors:  # a land that failed waits for the next tick
                print(f"  {mode}: {error}", flush=True)
    return outcomes


def run_case(folder: Path, quick: bool) -> CaseResult:
    runs, scale = (1, 0.5) if quick else (3, 1.0)
    result = CaseResult("overlap", f"{TRACKS} tracks, {SLOTS} slots, 30% overlapping pairs",
                        f"benchmarks/overlap.py main({runs}, {scale}): {OVERLAPPING} of 66 "
                        f"track pairs name a common module; efforts 1-3s x{scale}; "
                        "scheduling.overlap off, prefer, strict")
    outcomes = main(runs, scale)
    result.rows = [Row(f"makespan, overlap {mode}", [o.makespan for o in outcomes[mode]])
                   for mode in MODES]
    off, prefer = result.row("makespan, overlap off"), result.row("makespan, overlap prefer")
    conflicts = {mode: statistics.median(o.conflicts for o in outcomes[mode]) for mode in MODES}
    result.ratios = [Ratio("prefer / off (makespan)", prefer.median / off.median)]
    result.checks = [Check("prefer conflicts less often than off",
                           conflicts["prefer"] < conflicts["off"] or conflicts["off"] == 0),
                     Check("strict never conflicts",
                           all(o.conflicts == 0 for o in outcomes["strict"]))]
    result.notes = [f"{mode}: conflicts (each a resolve phase) "
                    f"{[o.conflicts for o in outcomes[mode]]}, landed "
                    f"{[o.landed for o in outcomes[mode]]} of {TRACKS}, overlapping starts "
                    f"{[o.forced for o in outcomes[mode]]}" for mode in MODES]
    result.notes.append("With off, a conflicting track stays out, so its makespan leaves "
                        "that work undone; prefer and strict land everything they can.")
    return result


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2,
         float(sys.argv[2]) if len(sys.argv) > 2 else 1.0)
