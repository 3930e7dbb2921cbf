"""Case sandbox: what bubblewrap costs a phase and a track, against `sandbox: off`.

Usage: python -m benchmarks --case sandbox

Per phase: starting `true` as a track's phase would, through the jail gitorch builds for
the track (bwrap with every bind of DESIGN §14), against the same `true` unconfined, in
process; and building that jail (the paths it binds, the git dir it asks git for). Per
track: `gitorch start --wait --track` of one track of three phases whose stand-in agent
commits once in the first, in a repository with `sandbox: bwrap` and in one with
`sandbox: off`, the two taking turns, each round on a fresh track. Budget: at most 50 ms
added a phase. Skipped (as an error) where bwrap does not work.
"""

from __future__ import annotations

import subprocess
from functools import partial
from pathlib import Path

from benchmarks.common import CaseResult, Check, Ratio, Row, git, gitorch, interleaved, ratio, timed
from gitorch.names import TrackId
from gitorch.project import open_project
from gitorch.sandbox.probe import availability
from gitorch.sandbox.rules import track_jail

BUDGET_MS = 50.0
AGENT = """#!/bin/sh
[ "$GITORCH_PHASE" = work ] || exit 0
echo "$GITORCH_TRACK" > work.txt
git add work.txt
git commit -q -m "$GITORCH_TRACK: work"
"""


def make_repo(folder: Path, mode: str, tracks: int) -> Path:
    """A repository of `tracks` independent tracks run by the stand-in agent."""
    repo = folder / f"repo-{mode}"
    repo.mkdir(parents=True)
    agent = folder / "agent.sh"
    agent.write_text(AGENT)
    agent.chmod(0o755)
    roadmap = "# Plan\n\n## Group A: Cost\n" + "".join(
        f"\n### Track {n}: Track {n}\nOne commit.\n" for n in range(1, tracks + 1))
    (repo / "ROADMAP.md").write_text(roadmap)
    (repo / "gitorch.yaml").write_text(f"remote: null\nmax_parallel: {tracks}\n"
                                       f"agent:\n  command: [{agent}]\nsandbox: {mode}\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Initial commit")
    gitorch(repo, "init")
    return repo


def phase_samples(repo: Path, runs: int) -> tuple[dict[str, list[float]], list[float]]:
    """Seconds to run `true` confined and not, and to build the jail, for one track."""
    gitorch(repo, "start", "--wait", "--track", "A/1")
    project = open_project(repo)
    worktree = project.worktrees_dir / "group_A_track_1"
    git_dir = Path(git(worktree, "rev-parse", "--path-format=absolute", "--git-dir").strip())
    track = TrackId("A", "1")
    branch = git(worktree, "branch", "--show-current").strip()
    program = str(repo.parent / "agent.sh")
    jail = track_jail(project, track, worktree, git_dir, branch, program)

    def start(argv: list[str]) -> float:
        return timed(partial(subprocess.run, argv, cwd=worktree, check=True,
                             stdin=subprocess.DEVNULL))

    samples = interleaved(runs, {"bwrap": partial(start, jail.argv(["true"])),
                                 "off": partial(start, ["true"])})
    build = [timed(partial(track_jail, project, track, worktree, git_dir, branch, program))
             for _ in range(runs)]
    return samples, build


def run_case(folder: Path, quick: bool) -> CaseResult:
    runs = 5 if quick else 15
    tracks = 3 if quick else 7
    result = CaseResult("sandbox", "the sandbox's cost",
                        f"per phase: `true` through a track's bwrap jail and unconfined, "
                        f"{runs} runs each, interleaved; per track: `gitorch start --wait "
                        f"--track` of a 3-phase track, {tracks - 2} rounds with `sandbox: "
                        "bwrap` and `off` taking turns, after 1 warm-up round")
    found = availability()
    if found.bwrap is None:
        result.error = f"no sandbox here: {found.why_not}"
        return result
    confined, plain = make_repo(folder, "bwrap", tracks), make_repo(folder, "off", tracks)
    phases, build = phase_samples(confined, runs)
    bwrap_row, off_row = Row("phase: true in bwrap", phases["bwrap"]), Row(
        "phase: true unconfined", phases["off"])
    result.rows += [bwrap_row, off_row, Row("phase: building the jail", build)]
    added = (bwrap_row.median - off_row.median) * 1000
    result.ratios.append(Ratio(f"phase: ms bwrap adds (budget {BUDGET_MS:.0f})", added,
                               ("<=", BUDGET_MS), unit="ms"))
    next_track = {"bwrap": 2, "off": 1}  # A/1 of the bwrap repo ran above

    def track_run(mode: str, repo: Path) -> float:
        number = next_track[mode]
        next_track[mode] += 1
        return timed(partial(gitorch, repo, "start", "--wait", "--track", f"A/{number}"))

    samples = interleaved(tracks - 2, {"bwrap": partial(track_run, "bwrap", confined),
                                       "off": partial(track_run, "off", plain)})
    track_bwrap, track_off = Row("track: start --wait, bwrap", samples["bwrap"]), Row(
        "track: start --wait, off", samples["off"])
    result.rows += [track_bwrap, track_off]
    result.ratios.append(ratio("track: bwrap / off", track_bwrap, track_off))
    result.ratios.append(Ratio("track: ms bwrap adds", (track_bwrap.median
                                                         - track_off.median) * 1000, unit="ms"))
    sandboxed = open_project(confined).state.record(TrackId("A", "2")).read_text()
    result.checks.append(Check("the bwrap repository's tracks ran sandboxed",
                               '"sandboxed": true' in sandboxed))
    return result
