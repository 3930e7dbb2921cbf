"""Case claims: 32 `gitorch start` processes racing for 8 tracks, against one start.

Each round makes a fresh small repository (a roadmap of 8 tracks, max_parallel 8, the
stand-in agent making one commit) and runs 32 real console-script `gitorch start`
processes at once; another fresh repository gets a single `gitorch start`. Timed: until
every start process has returned (every track is claimed by then), and until every
runner has ended (settled). Every agent run appends its track to a file: each track must
run exactly once, however many starts raced for it.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections import Counter
from pathlib import Path

from benchmarks.common import GITORCH, CaseResult, Check, Row, git, ratio, wait_until
from benchmarks.repo import make_repository

TRACKS, RACERS = 8, 32


def one_round(folder: Path, starters: int) -> tuple[float, float, Counter[str], int]:
    """(seconds until every start returned, until every runner ended, agent runs per
    track, runners the starts said they launched)."""
    repo = make_repository(folder, TRACKS, parallel=TRACKS, files_per_folder=0)
    runs = folder / "runs.txt"
    env = {**os.environ, "AGENT_RUNS": str(runs), "AGENT_COMMITS": "1"}
    records = [repo / ".git" / "gitorch" / "tracks" / f"group_A_track_{n}.json"
               for n in range(1, TRACKS + 1)]
    began = time.perf_counter()
    processes = [subprocess.Popen([GITORCH, "start"], cwd=repo, env=env, text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for _ in range(starters)]
    said = [process.communicate(timeout=600) for process in processes]
    returned = time.perf_counter() - began
    wait_until(lambda: all(r.exists() and json.loads(r.read_text())["ended_at"]
                           for r in records), 300, "the runners to end", every=0.01)
    settled = time.perf_counter() - began
    failed = [err for process, (_, err) in zip(processes, said, strict=True)
              if process.returncode != 0]
    if failed:
        raise RuntimeError(f"{len(failed)} starts failed: {failed[0].strip()}")
    claims = git(repo, "for-each-ref", "refs/gitorch/claims/").splitlines()
    if len(claims) != TRACKS:
        raise RuntimeError(f"{len(claims)} claim refs for {TRACKS} tracks")
    launched = sum(out.count("Starting on") for out, _ in said)
    return returned, settled, Counter(runs.read_text().split("\n")[:-1]), launched


def run_case(folder: Path, quick: bool) -> CaseResult:
    rounds = 2 if quick else 5
    result = CaseResult("claims", f"{RACERS} starts racing for {TRACKS} tracks",
                        f"small repository, {TRACKS} tracks, max_parallel {TRACKS}; "
                        f"{RACERS} console-script starts at once against 1; median of "
                        f"{rounds} rounds, interleaved")
    times: dict[str, list[float]] = {}
    doubles = missing = launched_wrong = 0
    for number in range(rounds):
        for name, starters in (("32 racing starts", RACERS), ("1 start", 1)):
            returned, settled, runs, launched = one_round(folder / f"{number}-{starters}",
                                                          starters)
            times.setdefault(f"{name}: all returned (claimed)", []).append(returned)
            times.setdefault(f"{name}: all runners ended", []).append(settled)
            expected = {f"A/{n} work" for n in range(1, TRACKS + 1)}
            doubles += sum(count - 1 for count in runs.values() if count > 1)
            missing += len(expected - set(runs))
            launched_wrong += launched != TRACKS
    result.rows = [Row(name, took) for name, took in times.items()]
    for what in ("all returned (claimed)", "all runners ended"):
        result.ratios.append(ratio(f"{what}: racing / single",
                                   result.row(f"32 racing starts: {what}"),
                                   result.row(f"1 start: {what}")))
    queued = (result.row("32 racing starts: all returned (claimed)").median
              - result.row("1 start: all returned (claimed)").median) / (RACERS - 1)
    result.notes.append(f"each extra start adds {queued * 1000:.0f} ms: the starts take the "
                        "repository's start lock one at a time, and each reads every "
                        "track's state under it")
    result.checks += [
        Check(f"no track ran twice ({doubles} double runs in {rounds * 2} rounds)",
              doubles == 0),
        Check(f"every track ran ({missing} missed)", missing == 0),
        Check("the starts together launched exactly 8 runners each round",
              launched_wrong == 0),
    ]
    return result
