"""Case hook: how much gitorch's post-commit hook adds to `git commit`, in and out of a track.

Usage: python -m benchmarks --case hook

Times real `git commit --allow-empty` processes in a small throwaway repository: in the
main worktree (the hook must return at once) and in a marked track worktree (the hook
runs one git process and appends a line), each with the hook installed and with it moved
aside. The four series take turns so that drift in the machine's load hits them alike.
Budget (issue: post-commit hook): at most 15 ms more in a track, 5 ms outside one.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import partial
from pathlib import Path

from benchmarks.common import CaseResult, Check, Ratio, Row, git, ratio, timed
from gitorch.names import TrackId
from gitorch.tracks import hook

BUDGET_MS = {"track worktree": 15.0, "main worktree": 5.0}
WARMUP = 3


def measure(folder: Path, commits: int, clock: Callable[[Callable[[], object]], float] = timed
            ) -> tuple[dict[tuple[str, bool], list[float]], int]:
    """Seconds per commit for each (place, hook on), and how many events the hook wrote.

    clock: what a commit is measured by (wall time; `common.cpu` for its CPU time).
    """
    repo = folder / "repo"
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "commit", "-q", "--allow-empty", "-m", "Initial commit")
    track = folder / "group_E_track_1"
    git(repo, "worktree", "add", "-q", "-b", "gitorch/E/1/bench", str(track))
    hook.mark_worktree(Path(git(track, "rev-parse", "--path-format=absolute",
                                "--git-dir").strip()), TrackId("E", "1"))
    hooks = Path(git(repo, "rev-parse", "--path-format=absolute", "--git-path",
                     "hooks").strip())
    hook.install(hooks)
    installed, aside = hooks / "post-commit", hooks / "post-commit.off"

    places = {"main worktree": repo, "track worktree": track}
    samples: dict[tuple[str, bool], list[float]] = {
        (place, on): [] for place in places for on in (False, True)}
    for round_ in range(commits + WARMUP):  # the first rounds warm the caches up
        for on in (False, True):
            if on:
                os.replace(aside, installed)
            else:
                os.replace(installed, aside)
            for place, cwd in places.items():
                took = clock(partial(git, cwd, "commit", "-q", "--allow-empty", "-m",
                                     f"Commit {round_} hook {on}"))
                if round_ >= WARMUP:
                    samples[place, on].append(took)
    events = repo / ".git" / "gitorch" / "events" / "group_E_track_1.log"
    return samples, len(events.read_text().splitlines())


def run_case(folder: Path, quick: bool) -> CaseResult:
    commits = 10 if quick else 30
    result = CaseResult("hook", "post-commit hook overhead",
                        f"`git commit --allow-empty` in a small repository; median of "
                        f"{commits} commits per series, 4 series interleaved, after "
                        f"{WARMUP} warm-up rounds")
    samples, events = measure(folder, commits)
    for place in BUDGET_MS:
        without = Row(f"{place}, no hook", samples[place, False])
        with_hook = Row(f"{place}, hook", samples[place, True])
        result.rows += [without, with_hook]
        result.ratios.append(ratio(f"{place}: hook / no hook", with_hook, without))
        added = (with_hook.median - without.median) * 1000
        result.ratios.append(Ratio(f"{place}: ms added (budget {BUDGET_MS[place]:.0f})",
                                   added, ("<=", BUDGET_MS[place]), unit="ms"))
    expected = commits + WARMUP
    result.checks.append(Check(f"the hook wrote an event per track commit ({events} of "
                               f"{expected})", events == expected))
    return result

