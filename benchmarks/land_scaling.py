"""Case land scaling: `gitorch land --no-push --keep` of 10, 50 and 100 tracks (5 commits each).

The time per commit should stay flat as tracks are added: a track costs what its commits
and bookkeeping cost, not more because others land with it. The tracks are made done the
fast way (fast-import branches, records and claim refs through gitorch's own TrackRecord
and take_claim, no worktrees: `land --keep` never reads them), since 100 worktrees of
20,100 files would take minutes to make. One repository holds all of them; a run at size
N lands tracks 1..N (the others have no record, so they are pending), with the same
roadmap of 100 tracks throughout. Sizes take turns within each round; the repository is
put back between runs as in the land case.
"""

from __future__ import annotations

import statistics
from functools import partial
from pathlib import Path

from benchmarks.common import CaseResult, Ratio, Row, git, gitorch, interleaved, timed
from benchmarks.repo import (
    MAX_TRACKS,
    Snapshot,
    describe,
    fast_tracks,
    make_repository,
    move_main,
    size_for,
)

COMMITS = 5


def slope(points: list[tuple[float, float]]) -> float:
    """The least-squares slope of y over x."""
    xs, ys = [x for x, _ in points], [y for _, y in points]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread


class Scaling:
    """One repository with the largest number of done tracks; land the first N of them."""

    def __init__(self, folder: Path, largest: int, files_per_folder: int) -> None:
        self.repo = make_repository(folder, MAX_TRACKS, 4, files_per_folder)
        fast_tracks(self.repo, list(range(1, largest + 1)), COMMITS)
        move_main(self.repo, 3)
        self.snapshot = Snapshot.take(self.repo)

    def land(self, tracks: int) -> float:
        self.snapshot.restore()
        state = self.repo / ".git" / "gitorch" / "tracks"
        extra = [n for n in range(tracks + 1, MAX_TRACKS + 1)
                 if (state / f"group_A_track_{n}.json").exists()]
        for number in extra:
            (state / f"group_A_track_{number}.json").unlink()
        if extra:
            git(self.repo, "update-ref", "--stdin", input="".join(
                f"delete refs/gitorch/claims/A/{n}\n" for n in extra))
        before = self.snapshot.main
        took = timed(lambda: gitorch(self.repo, "land", "--no-push", "--keep"))
        count = int(git(self.repo, "rev-list", "--count", f"{before}..main"))
        if count != tracks * COMMITS + 1:  # and the roadmap commit
            raise AssertionError(f"landing {tracks} tracks made {count} commits")
        return took


def run_case(folder: Path, quick: bool) -> CaseResult:
    sizes = [10, 30] if quick else [10, 50, 100]
    runs = 3 if quick else 5
    size = size_for(quick)
    result = CaseResult("scaling", "land time per commit as tracks grow",
                        f"{describe(size)}, {'/'.join(map(str, sizes))} tracks x {COMMITS} commits "
                        "made the fast way (no worktrees); median of "
                        f"{runs} runs, sizes interleaved, after 1 warm-up round")
    scaling = Scaling(folder, sizes[-1], size)
    samples = interleaved(runs, {f"land {n} tracks": partial(scaling.land, n) for n in sizes})
    result.rows = [Row(name, took) for name, took in samples.items()]
    medians = [(n, row.median) for n, row in zip(sizes, result.rows, strict=True)]
    per_commit = {n: took * 1000 / (n * COMMITS) for n, took in medians}
    result.notes.append("per commit: " + ", ".join(f"{n} tracks {ms:.1f} ms"
                                                   for n, ms in per_commit.items()))
    fitted = slope([(n, took * 1000) for n, took in medians])
    result.notes.append(f"slope: {fitted:.1f} ms per extra track "
                        f"({fitted / COMMITS:.1f} ms per extra commit; least squares over the "
                        "medians)")
    result.ratios.append(Ratio(f"per commit, {sizes[-1]} / {sizes[0]} tracks",
                               per_commit[sizes[-1]] / per_commit[sizes[0]], ("<=", 1.0)))
    if len(sizes) > 2:
        early = slope([(n, t) for n, t in medians[:2]])
        late = slope([(n, t) for n, t in medians[1:]])
        result.ratios.append(Ratio(f"slope {sizes[1]}-{sizes[2]} / slope {sizes[0]}-{sizes[1]}"
                                   " (1: linear)", late / early, ("<=", 1.5)))
    return result
