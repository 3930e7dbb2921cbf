"""How fast land's in-memory replay is next to git's own ways of doing the same.

Usage: python benchmarks/replay_speed.py [RUNS]

Builds a repository of 20,000 files in 300 folders, 10 tracks of 5 commits each (every
commit touching 1-3 files of its track's folders) and a main that moved on by 3 unrelated
commits; then stacks all 50 commits onto main, track after track, in three ways:

  replay      gitorch.replay in this process (and, separately, in a fresh process, so
              that Python's start and pygit2's import are counted)
  rebase      `git rebase --onto <tip> <base> <track>` in one worktree, track after track
  merge-tree  per commit, `git merge-tree --write-tree` over throwaway commits that give
              it the commit's parent as merge base (git < 2.40), then `git commit-tree`

Each run starts from a fresh copy of the repository, so no way finds objects that an
earlier run wrote. Prints medians and checks that all three make the same final tree.
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gitorch import git as gitmod
from gitorch.replay import Replayed, replay, track_commits

FOLDERS = [f"src/area{a:02d}/part{b:02d}" for a in range(20) for b in range(15)]
FILES_PER_FOLDER = 67  # 300 x 67 = 20,100 files
TRACKS, COMMITS = 10, 5
ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.com",
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
    "GIT_CONFIG_NOSYSTEM": "1", "HOME": tempfile.gettempdir(),
}


def git(cwd: Path, *args: str, input: str | None = None) -> str:
    return subprocess.run(["git", *args], cwd=cwd, env=ENV, check=True, capture_output=True,
                          text=True, input=input).stdout


def _data(text: str) -> str:
    return f"data {len(text.encode())}\n{text}\n"


def _commit(ref: str, message: str, parent: str | None, files: dict[str, str]) -> str:
    """A fast-import commit; without parent it continues ref."""
    stamp = "Bench <bench@example.com> 1767225600 +0000"
    body = "".join(f"M 100644 inline {path}\n{_data(text)}" for path, text in files.items())
    start = f"from {parent}\n" if parent else ""
    return f"commit {ref}\nauthor {stamp}\ncommitter {stamp}\n{_data(message)}{start}{body}"


def generate(repo: Path) -> tuple[str, str, list[str]]:
    """The repository described above: (base, main's tip, each track's tip)."""
    rng = random.Random(7)
    git(repo, "init", "-q", "-b", "main")
    files = [f"{folder}/file{n:02d}.txt" for folder in FOLDERS for n in range(FILES_PER_FOLDER)]
    stamp = "Bench <bench@example.com> 1767225600 +0000"
    stream = [f"commit refs/heads/main\nmark :1\nauthor {stamp}\ncommitter {stamp}\n"
              f"{_data('base')}"]
    stream += [f"M 100644 inline {path}\n{_data((path + chr(10)) * 20)}" for path in files]
    # Main moves on in folders no track touches.
    untracked = [path for path in files if int(path.split("/")[1][4:]) >= TRACKS]
    for number in range(3):
        changed = {path: f"main {number}\n" for path in rng.sample(untracked, 2)}
        stream.append(_commit("refs/heads/main", f"main {number}", None, changed))
    for track in range(TRACKS):
        own = [path for path in files if path.startswith(f"src/area{track:02d}/")]
        for number in range(COMMITS):
            changed = {path: f"{path}\n" * 19 + f"track {track} commit {number}\n"
                       for path in rng.sample(own, rng.randint(1, 3))}
            if rng.random() < 0.3:
                changed[f"src/area{track:02d}/new{number}.txt"] = f"new {number}\n"
            stream.append(_commit(f"refs/heads/track{track}", f"track {track} commit {number}",
                                  None if number else ":1", changed))
    git(repo, "fast-import", "--quiet", input="".join(stream) + "done\n")
    base = git(repo, "rev-list", "--max-parents=0", "main").strip()
    tips = [git(repo, "rev-parse", f"track{track}").strip() for track in range(TRACKS)]
    return base, git(repo, "rev-parse", "main").strip(), tips


def by_replay(repo: Path, base: str, main: str, tips: list[str]) -> str:
    gitmod._repository.cache_clear()  # open the repository afresh, as a new land would
    head = main
    for tip in tips:
        result = replay(repo, head, base, track_commits(repo, base, tip))
        assert isinstance(result, Replayed), result
        head = result.head
    return head


REPLAY_PROCESS = """
import sys
from pathlib import Path
from benchmarks.replay_speed import by_replay
print(by_replay(Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]))
"""


def by_replay_process(repo: Path, base: str, main: str, tips: list[str]) -> str:
    return subprocess.run([sys.executable, "-c", REPLAY_PROCESS, str(repo), base, main, *tips],
                          check=True, capture_output=True, text=True,
                          cwd=Path(__file__).parent.parent).stdout.strip()


def by_rebase(repo: Path, base: str, main: str, tips: list[str]) -> str:
    worktree = repo / "wt"  # created (and checked out) before the clock starts
    for tip in tips:
        git(worktree, "rebase", "-q", "--onto", "HEAD", base, tip)
    return git(worktree, "rev-parse", "HEAD").strip()


def by_merge_tree(repo: Path, base: str, main: str, tips: list[str]) -> str:
    head = main
    for tip in tips:
        for commit in git(repo, "rev-list", "--reverse", f"{base}..{tip}").split():
            root = git(repo, "commit-tree", f"{commit}^^{{tree}}", "-m", "base").strip()
            ours, theirs = (git(repo, "commit-tree", f"{side}^{{tree}}", "-p", root, "-m", "side")
                            .strip() for side in (head, commit))
            tree = git(repo, "merge-tree", "--write-tree", ours, theirs).split()[0]
            head = git(repo, "commit-tree", tree, "-p", head, "-m", "replayed").strip()
    return head


WAYS = {"replay (in process)": by_replay, "replay (whole process)": by_replay_process,
        "git rebase loop": by_rebase, "merge-tree + commit-tree": by_merge_tree}


def main(runs: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        pristine = Path(tmp) / "pristine"
        pristine.mkdir()
        base, main_tip, tips = generate(pristine)
        times: dict[str, list[float]] = {way: [] for way in WAYS}
        trees: dict[str, set[str]] = {way: set() for way in WAYS}
        for run in range(runs):
            for way, function in WAYS.items():
                repo = Path(tmp) / f"run{run}-{len(times[way])}-{way.split()[0]}"
                shutil.copytree(pristine, repo, symlinks=True)
                if function is by_rebase:
                    git(repo, "worktree", "add", "-q", "--detach", str(repo / "wt"), main_tip)
                start = time.perf_counter()
                head = function(repo, base, main_tip, tips)
                times[way].append(time.perf_counter() - start)
                trees[way].add(git(repo, "rev-parse", f"{head}^{{tree}}").strip())
                shutil.rmtree(repo)
    files = len(FOLDERS) * FILES_PER_FOLDER
    print(f"{files} files, {TRACKS} tracks x {COMMITS} commits, median of {runs} runs "
          f"(git {git(Path.cwd(), '--version').split()[-1]})")
    fastest = statistics.median(times["replay (in process)"])
    for way, took in times.items():
        median = statistics.median(took)
        print(f"  {way:26} {median * 1000:9.1f} ms   {median / fastest:6.1f}x   "
              f"{median * 1000 / (TRACKS * COMMITS):6.2f} ms a commit   "
              f"(range {min(took) * 1000:.0f}-{max(took) * 1000:.0f} ms)")
    made = set().union(*trees.values())
    print(f"  final trees: {'all equal' if len(made) == 1 else 'DIFFERENT: ' + str(trees)}")
    return 0 if len(made) == 1 else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5))
