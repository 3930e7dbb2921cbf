"""Case report: `gitorch report --html` of a six-hour run of 500 tracks on 8 slots.

The run is written the way gitorch writes one, without running agents for six hours:
runs.log's start and end lines, each track's log (phase banners, exits, 200 lines of
agent output a track, the landing line), its record and its hook events, and 60
landings on main (each a commit made with `git commit-tree` and moved to with
`git update-ref -m "gitorch land: ..."`) with their pushes in the remote-tracking
branch's reflog. Timed: the console script (`gitorch report --html`, so Python, click
and git's start-up count) and, in process, collecting and rendering alone. Goals: under
2 s, and a page under 2 MB.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

from benchmarks.common import CaseResult, Check, Row, git, gitorch, timed

TRACKS, SLOTS, GROUPS, LANDINGS = 500, 8, 10, 60
PHASES = ("work", "review", "commit")


def roadmap() -> str:
    per = TRACKS // GROUPS
    parts = ["# Big plan\n"]
    for g in range(GROUPS):
        parts.append(f"\n## Group G{g}: Part {g}\n")
        parts += [f"\n### Track {n}: Piece {n} of part {g}\nDo it.\n" for n in range(1, per + 1)]
    return "".join(parts)


def _log_stamp(moment: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(moment)) + \
        f".{int(moment * 1000) % 1000:03d}"


def _run_stamp(moment: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(moment)) + \
        f".{int(moment * 1000) % 1000:03d}" + time.strftime("%z", time.localtime(moment))


def write_run(repo: Path, seed: int = 5) -> None:
    """A finished six-hour run of every track, as gitorch would have recorded it."""
    from gitorch.names import TrackId, branch_name
    from gitorch.project import open_project
    from gitorch.tracks.records import TrackRecord

    project = open_project(repo)
    state = project.state
    state.ensure()
    rng = random.Random(seed)
    began = time.time() - 7 * 3600
    free = [began + 1.0] * SLOTS
    lines = [(began, f"run start pid=4242 every=10m for=6h parallel={SLOTS}")]
    ended: list[tuple[float, str]] = []
    per = TRACKS // GROUPS
    for index in range(TRACKS):
        track = TrackId(f"G{index // per}", str(index % per + 1))
        slot = min(range(SLOTS), key=lambda s: free[s])
        start = free[slot] + rng.uniform(0.5, 20)
        moment = start
        log = [f"{_log_stamp(moment)} [Track {track.number}] Created worktree"]
        for phase in PHASES:
            log.append(f"{_log_stamp(moment)} [Track {track.number}] ===== Phase {phase} "
                       f"({PHASES.index(phase) + 1}/3) of Track {track}: Piece =====")
            took = rng.uniform(120, 600) if phase == "work" else rng.uniform(10, 60)
            for step in range(200 // len(PHASES)):
                log.append(f"{_log_stamp(moment + took * step / 70)} [Track {track.number}] "
                           f"agent: step {step} of {phase}, editing src/module_{step}.py")
            moment += took
            log.append(f"{_log_stamp(moment)} [Track {track.number}] Phase {phase} exited 0")
        log.append(f"{_log_stamp(moment)} [Track {track.number}] Track {track} ended: done")
        free[slot] = moment
        lines += [(start, f"start {track} pid={10000 + index} branch=b"),
                  (moment, f"end {track} done")]
        ended.append((moment, str(track)))
        state.log(track).parent.mkdir(parents=True, exist_ok=True)
        state.log(track).write_text("\n".join(log) + "\n")
        state.events(track).parent.mkdir(parents=True, exist_ok=True)
        state.events(track).write_text(f"{moment:.0f}\t{'a' * 40}\t1\t{track}: piece\n")
        TrackRecord(str(track), "landed", branch_name(track, "piece"), "/nowhere",
                    base="b" * 40, pid=10000 + index, attempts=1,
                    started_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start)),
                    ended_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(moment))
                    ).save(project)
    ended.sort()
    tip = git(repo, "rev-parse", "main").strip()
    tree = git(repo, "rev-parse", "main^{tree}").strip()
    chunk = -(-TRACKS // LANDINGS)
    for first in range(0, TRACKS, chunk):
        batch = ended[first:first + chunk]
        landed_at = batch[-1][0] + 30
        names = ", ".join(t for _, t in batch)
        tip = git(repo, "commit-tree", tree, "-p", tip, "-m",
                  f"Mark {names} done in ROADMAP.md").strip()
        git(repo, "update-ref", "-m", "gitorch land: fast-forward to the landed tracks",
            "refs/heads/main", tip)
        git(repo, "update-ref", "-m", "update by push", "refs/remotes/origin/main", tip)
        for _, name in batch:
            track = TrackId.parse(name)
            with open(state.log(track), "a") as log_file:
                log_file.write(f"{_log_stamp(landed_at)} [Track {track.number}] Track "
                               f"{track} landed on main as {tip[:12]}\n")
    lines.append((max(free) + 60, f"run end done landed={TRACKS} failed=0 conflicts=0 "
                                  f"pushes={LANDINGS}"))
    lines.sort(key=lambda pair: pair[0])
    state.runs_log.write_text("".join(f"{_run_stamp(t)} {text}\n" for t, text in lines))


def run_case(folder: Path, quick: bool) -> CaseResult:
    folder.mkdir(parents=True, exist_ok=True)
    repo = folder / "big"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "ROADMAP.md").write_text(roadmap())
    (repo / "gitorch.yaml").write_text("remote: origin\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "The plan")
    write_run(repo)
    page = folder / "report.html"
    runs = 3 if quick else 7
    gitorch(repo, "report", "--html", str(page))  # warm-up: the OS caches the logs
    script = Row("gitorch report --html (console script)",
                 [timed(lambda: gitorch(repo, "report", "--html", str(page)))
                  for _ in range(runs)])

    from gitorch.project import open_project
    from gitorch.report import html
    from gitorch.report.timeline import build

    project = open_project(repo)
    inside = Row("collect and render, in process",
                 [timed(lambda: html.render(build(project))) for _ in range(runs)])
    size = page.stat().st_size
    report = build(project)
    result = CaseResult("report", "report --html of 500 tracks",
                        f"{TRACKS} tracks, {SLOTS} slots, {LANDINGS} landings, a six-hour "
                        f"run; {runs} runs after one warm-up", rows=[script, inside])
    result.checks += [
        Check(f"every track drawn ({len(report.bars)} bars)", len(report.bars) == TRACKS),
        Check(f"under 2 s ({script.median:.2f} s median)", script.median < 2.0),
        Check(f"page under 2 MB ({size / 1e6:.2f} MB)", size < 2_000_000),
    ]
    result.notes.append(f"page {size / 1024:.0f} KB; {len(report.gaps)} idle gaps, "
                        f"{len(report.marks)} marks")
    return result


if __name__ == "__main__":
    import shutil
    import tempfile

    from benchmarks.common import isolated_environment
    from benchmarks.report import render_case

    root = Path(tempfile.mkdtemp(prefix="gitorch-bench-report-"))
    try:
        with isolated_environment(root):
            case = run_case(root / "report", "--quick" in sys.argv)
        print("\n".join(render_case(case)))
    finally:
        shutil.rmtree(root, ignore_errors=True)
