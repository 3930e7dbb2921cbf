"""Case land: `gitorch land` against a `git rebase` loop and the merge-tree plumbing floor.

10 tracks x 5 commits on the 20,100-file repository (5,100 with --quick), made done
the real way: `gitorch start --wait` runs the stand-in agent in each track's worktree.
Then main moves on by 3 commits no track touches, so every track must really be replayed.
Each run lands the same 50 commits onto the same main, four ways:

  gitorch land       `gitorch land --no-push --keep`, the console script as a process
  replay in process  gitorch.land.replay over the same commits in this process (the heart of
                     land, without Python's start, pygit2's import, bookkeeping and the
                     checkout)
  rebase loop        per track, in its worktree: `git rebase main`, then in the main
                     worktree `git merge --ff-only` (what a person would type)
  merge-tree chain   per commit, `git merge-tree --write-tree` (given the commit's parent
                     as merge base with throwaway commits: git 2.39 has no --merge-base)
                     and `git commit-tree`; then `git update-ref` and `git read-tree -m -u`
                     to move main and its checkout, as land does (the plumbing floor)

The git ways run with hooks off (gitorch's post-commit hook would add a git process per
rebased commit). Between runs the repository is put back: main and its checkout, the
track branches and worktrees, records, claim refs, and every object a run wrote is
pruned, so no way finds the objects of an earlier one. The landed trees are asserted
equal (ROADMAP.md aside: only land marks tracks done in it).
"""

from __future__ import annotations

import json
import pstats
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.common import (
    GITORCH,
    NO_HOOKS,
    CaseResult,
    Check,
    Row,
    git,
    git_process_count,
    gitorch,
    interleaved,
    ratio,
)
from benchmarks.repo import Snapshot, describe, make_repository, move_main, size_for
from gitorch.git import objects
from gitorch.land.replay import Replayed, replay, track_commits

TRACKS, COMMITS = 10, 5
LAND = ["land", "--no-push", "--keep"]


def landed_tree(repo: Path, commit: str) -> tuple[str, ...]:
    """commit's top-level tree entries, ROADMAP.md left out."""
    return tuple(line for line in git(repo, "ls-tree", commit).splitlines()
                 if not line.endswith("\tROADMAP.md"))


class Landing:
    """The repository with 10 done tracks, and each way of landing them."""

    def __init__(self, folder: Path, files_per_folder: int, tracks: int = TRACKS,
                 commits: int = COMMITS) -> None:
        self.repo = make_repository(folder, tracks, tracks, files_per_folder)
        gitorch(self.repo, "start", "--wait", "--parallel", str(tracks),
                env={"AGENT_COMMITS": str(commits)})
        move_main(self.repo, 3)
        self.snapshot = Snapshot.take(self.repo)
        self.commits = tracks * commits
        self.main = self.snapshot.main
        records = sorted(self.snapshot.records.items(),
                         key=lambda item: int(item[0].rsplit("_", 1)[1].split(".")[0]))
        self.tracks = []  # (base, branch, worktree) in roadmap order
        for _, data in records:
            record = json.loads(data)
            self.tracks.append((record["base"], record["branch"], Path(record["worktree"])))
        self.trees: dict[str, set[tuple[str, ...]]] = {}

    def measure(self, name: str, way: Callable[[], str], extra_commits: int = 0) -> float:
        """Reset, time way (which returns the landed commit), check what it landed."""
        self.snapshot.restore()
        began = time.perf_counter()
        head = way()
        took = time.perf_counter() - began
        count = int(git(self.repo, "rev-list", "--count", f"{self.main}..{head}"))
        if count != self.commits + extra_commits:
            raise AssertionError(f"{name} landed {count} commits, not "
                                 f"{self.commits + extra_commits}")
        self.trees.setdefault(name, set()).add(landed_tree(self.repo, head))
        return took

    def by_gitorch(self) -> str:
        out = gitorch(self.repo, *LAND).stdout
        if out.count(" landed") != len(self.tracks):
            raise AssertionError(f"gitorch land did not land every track:\n{out}")
        return git(self.repo, "rev-parse", "main").strip()

    def by_replay(self) -> str:
        objects._stored.cache_clear()  # read the repository afresh, as a new land would
        objects._pending.cache_clear()
        objects._read_stored.cache_clear()
        head = self.main
        for base, branch, _ in self.tracks:
            done = replay(self.repo, head, base, track_commits(self.repo, base, branch))
            assert isinstance(done, Replayed), done
            head = done.head
        return head

    def by_rebase(self) -> str:
        for _, branch, worktree in self.tracks:
            git(worktree, *NO_HOOKS, "rebase", "-q", "main")
            git(self.repo, *NO_HOOKS, "merge", "-q", "--ff-only", branch)
        return git(self.repo, "rev-parse", "main").strip()

    def by_merge_tree(self) -> str:
        head = self.main
        for base, branch, _ in self.tracks:
            for commit in git(self.repo, "rev-list", "--reverse", f"{base}..{branch}").split():
                root = git(self.repo, "commit-tree", f"{commit}^^{{tree}}", "-m", "base").strip()
                ours, theirs = (git(self.repo, "commit-tree", f"{side}^{{tree}}", "-p", root,
                                    "-m", "side").strip() for side in (head, commit))
                tree = git(self.repo, "merge-tree", "--write-tree", ours, theirs).split()[0]
                head = git(self.repo, "commit-tree", tree, "-p", head, "-m", "replayed").strip()
        git(self.repo, "update-ref", "refs/heads/main", head, self.main)
        git(self.repo, "read-tree", "-m", "-u", self.main, head)
        return head

    def where_the_time_goes(self, folder: Path) -> list[str]:
        """One untimed land under cProfile, and one counting its git processes."""
        self.snapshot.restore()
        out = folder / "land.prof"
        subprocess.run([sys.executable, "-m", "cProfile", "-o", str(out), GITORCH, *LAND],
                       cwd=self.repo, check=True, capture_output=True)
        self.snapshot.restore()
        count = git_process_count(lambda env: gitorch(self.repo, *LAND, env=env), folder)
        return [f"gitorch land starts {count} git processes "
                f"({count / len(self.tracks):.1f} per track)",
                "under cProfile: " + profile_summary(out)]


# Steps of land worth naming, by (file suffix, function).
STEPS = [("gitorch/process.py", "_spawn", "all child processes"),
         ("gitorch/land/stack.py", "done_candidates", "finding done tracks"),
         ("gitorch/land/stack.py", "replay_stack", "replay"),
         ("gitorch/land/stack.py", "roadmap_commit", "roadmap commit"),
         ("gitorch/land/publish.py", "check_main_worktree", "checking main's worktree"),
         ("gitorch/land/publish.py", "advance_main", "moving main and its checkout"),
         ("gitorch/land/publish.py", "finish_tracks", "marking tracks landed")]


def profile_summary(path: Path) -> str:
    """Total, and the cumulative ms of each of STEPS, from a cProfile output file."""
    profile = pstats.Stats(str(path)).get_stats_profile()
    parts = []
    for suffix, name, label in STEPS:
        found = profile.func_profiles.get(name)
        if found is not None and found.file_name.endswith(suffix):
            parts.append(f"{label} {found.cumtime * 1000:.0f} ms")
    return f"total {profile.total_tt * 1000:.0f} ms; " + ", ".join(parts)


def run_case(folder: Path, quick: bool) -> CaseResult:
    runs = 3 if quick else 7
    size = size_for(quick)
    # The speed-up grows with the files each rebase checks out; its goal is set for 20,100
    # on a disk (--quick: 5,100, on a RAM disk when there is one).
    speed_up_goal = None if quick else (">=", 8.0)
    result = CaseResult("land", "land 10 tracks x 5 commits",
                        f"{describe(size)}, {TRACKS} tracks x {COMMITS} commits made by `gitorch "
                        f"start --wait`, main 3 commits ahead; median of {runs} runs, "
                        "interleaved, after 1 warm-up round")
    landing = Landing(folder, size)
    samples = interleaved(runs, {
        "gitorch land": lambda: landing.measure("gitorch land", landing.by_gitorch, 1),
        "replay in process": lambda: landing.measure("replay in process", landing.by_replay),
        "rebase loop": lambda: landing.measure("rebase loop", landing.by_rebase),
        "merge-tree chain": lambda: landing.measure("merge-tree chain", landing.by_merge_tree),
    })
    result.rows = [Row(name, took) for name, took in samples.items()]
    land = result.row("gitorch land")
    result.ratios = [
        ratio("rebase loop / gitorch land (speed-up)", result.row("rebase loop"), land,
              speed_up_goal),
        ratio("gitorch land / merge-tree chain", land, result.row("merge-tree chain"),
              ("<=", 1.5)),
        ratio("replay in process / gitorch land (share)", result.row("replay in process"),
              land),
    ]
    trees = set().union(*landing.trees.values())
    result.checks.append(Check("every way landed the same tree (ROADMAP.md aside)",
                               len(trees) == 1))
    if quick:
        result.notes.append("the speed-up's goal (>= 8x) is set for 20,100 files: a full "
                            "run judges it")
    else:
        result.notes += landing.where_the_time_goes(folder)
    per_commit = land.median * 1000 / landing.commits
    result.notes.append(f"gitorch land: {per_commit:.1f} ms a commit, whole process")
    return result
