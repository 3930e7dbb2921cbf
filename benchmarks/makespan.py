"""Makespan of `gitorch run` against the lower bound and against the seed's fixed batches.

Usage: python benchmarks/makespan.py [RUNS] [SCALE]

Eight tracks of uneven length with dependencies, four slots, the demo's simulated agent
(each track's work phase sleeps its `Effort`, times SCALE). Each run builds two fresh
repositories with a bare remote and drives the same roadmap through both:

- the scheduler (`gitorch run`, in process): a slot is refilled as soon as it frees, and
  done tracks land at once when that lets a waiting track start;
- the seed's batches: start up to four ready tracks, wait for the slowest, land, repeat.

The lower bound is max(longest dependency chain, total / 4), from the track times the
scheduler measured in the same run (each includes its runner's start-up). The makespan
is the whole run, start to the last landing. Goal: within 5% of the bound, and at least
1.3x faster than the batches.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from gitorch.commands.land import land
from gitorch.commands.run import run
from gitorch.commands.start import start
from gitorch.demo.sandbox import demo_config, make_repository
from gitorch.roadmap.model import Roadmap
from gitorch.roadmap.reader import parse
from gitorch.schedule.daemon import RunSettings
from gitorch.tracks.launch import wait_for

SLOTS = 4
# (title, effort in seconds, dependencies): one long track, short ones around it whose
# chains have slack, so a scheduler that never waits can hide them behind it.
TRACKS = [
    ("Ingest pipeline", 12.0, []),
    ("Flood model", 3.0, []),
    ("Fire model", 2.0, []),
    ("Storm model", 4.0, []),
    ("Flood tests", 2.0, [2]),
    ("Fire tests", 3.0, [3]),
    ("Style guide", 2.0, []),
    ("Model registry", 3.0, [4, 5]),
]


def roadmap_text(scale: float) -> str:
    lines = ["# Benchmark", "", "## Group A: Models", ""]
    for number, (title, effort, after) in enumerate(TRACKS, 1):
        lines.append(f"### Track {number}: {title}")
        if after:
            lines.append("Depends on: " + ", ".join(f"Track {n}" for n in after))
        lines += [f"Effort: {effort * scale:.2f}s", ""]
    return "\n".join(lines)


def lower_bound(roadmap: Roadmap, times: dict[str, float]) -> float:
    """max(longest chain, total work / slots) for these track times."""
    finish: dict[str, float] = {}
    for track in roadmap.tracks():  # file order lists every dependency first here
        finish[track.id] = times[track.id] + max((finish[d] for d in track.depends_on),
                                                 default=0.0)
    return max(max(finish.values()), sum(times.values()) / SLOTS)


def scheduled(folder: Path, text: str) -> tuple[float, dict[str, float]]:
    repo = make_repository(folder, text, demo_config(gate=False))
    summary = run(repo, RunSettings(every="1m", parallel=SLOTS), lambda line: None)
    assert summary.reason == "done" and len(summary.landed) == len(TRACKS), summary
    return summary.wall, summary.track_times


def batched(folder: Path, text: str) -> float:
    repo = make_repository(folder, text, demo_config(gate=False))
    began = time.monotonic()
    landed = 0
    while True:
        result = start(repo, parallel=SLOTS, group=None, track_ids=[], dry_run=False)
        if not result.launched:
            break
        assert result.project is not None
        wait_for(result.launched, result.project)
        landed += len(land(repo, [], dry_run=False, push=True, test=True, keep=False).landed)
    assert landed == len(TRACKS), landed
    return time.monotonic() - began


def main(runs: int, scale: float) -> int:
    text = roadmap_text(scale)
    roadmap = parse(text)
    rows = []
    for index in range(1, runs + 1):
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "s").mkdir()
            (Path(tmp) / "b").mkdir()
            makespan, times = scheduled(Path(tmp) / "s", text)
            batches = batched(Path(tmp) / "b", text)
        bound = lower_bound(roadmap, times)
        rows.append((makespan, bound, batches))
        print(f"run {index}: scheduler {makespan:.2f}s, bound {bound:.2f}s "
              f"(+{(makespan / bound - 1) * 100:.1f}%), batches {batches:.2f}s "
              f"({batches / makespan:.2f}x)", flush=True)
    makespan, bound, batches = (statistics.median(column) for column in zip(*rows, strict=True))
    over, speedup = makespan / bound - 1, batches / makespan
    print(f"median: scheduler {makespan:.2f}s, lower bound {bound:.2f}s (+{over * 100:.1f}%), "
          f"batches of {SLOTS} {batches:.2f}s; scheduler {speedup:.2f}x faster")
    ok = over <= 0.05 and speedup >= 1.3
    print("goal (within 5% of the bound, 1.3x faster than batches): "
          + ("met" if ok else "NOT met"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 3,
                  float(sys.argv[2]) if len(sys.argv) > 2 else 1.0))
