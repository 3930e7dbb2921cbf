"""How much gitorch's post-commit hook adds to `git commit`, inside and outside a track.

Usage: python benchmarks/hook_overhead.py [COMMITS]

Times real `git commit --allow-empty` processes in a throwaway repository: in the main
worktree (the hook must return at once) and in a marked track worktree (the hook runs one
git process and appends a line), each with the hook installed and with it moved aside.
The four series are interleaved so that drift in the machine's load hits them all alike.
Budget (issue: post-commit hook): at most 15 ms more in a track, 5 ms outside one.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gitorch import hook
from gitorch.names import TrackId

BUDGET_MS = {"track worktree": 15.0, "main worktree": 5.0}
ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.com",
    "GIT_CONFIG_NOSYSTEM": "1", "HOME": tempfile.gettempdir(),
}


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, env=ENV, check=True, capture_output=True,
                          text=True).stdout


def timed_commit(cwd: Path, message: str) -> float:
    """Seconds one `git commit` takes, hook included."""
    start = time.perf_counter()
    subprocess.run(["git", "commit", "-q", "--allow-empty", "-m", message], cwd=cwd, env=ENV,
                   check=True)
    return time.perf_counter() - start


def main(commits: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "repo"
        repo.mkdir()
        git(repo, "init", "-q", "-b", "main")
        git(repo, "commit", "-q", "--allow-empty", "-m", "Initial commit")
        track = Path(tmp) / "group_E_track_1"
        git(repo, "worktree", "add", "-q", "-b", "gitorch/E-1", str(track))
        git_dir = Path(git(track, "rev-parse", "--path-format=absolute", "--git-dir").strip())
        hook.mark_worktree(git_dir, TrackId("E", 1))
        hooks = Path(git(repo, "rev-parse", "--path-format=absolute", "--git-path",
                         "hooks").strip())
        hook.install(hooks)
        installed, aside = hooks / "post-commit", hooks / "post-commit.off"

        places = {"main worktree": repo, "track worktree": track}
        samples: dict[tuple[str, bool], list[float]] = {
            (place, on): [] for place in places for on in (False, True)}
        for round_ in range(commits + 3):  # the first 3 rounds warm the caches up
            for on in (False, True):
                if on:
                    os.replace(aside, installed)
                else:
                    os.replace(installed, aside)
                for place, cwd in places.items():
                    took = timed_commit(cwd, f"Commit {round_} with hook {on}")
                    if round_ >= 3:
                        samples[place, on].append(took)
        events = (repo / ".git" / "gitorch" / "events" / "group_E_track_1.log").read_text()

    failed = False
    print(f"median of {commits} commits each (git {git(Path.cwd(), '--version').split()[-1]})")
    for place in places:
        without = statistics.median(samples[place, False]) * 1000
        with_hook = statistics.median(samples[place, True]) * 1000
        added = with_hook - without
        over = added > BUDGET_MS[place]
        failed |= over
        print(f"  {place:15} no hook {without:6.2f} ms   hook {with_hook:6.2f} ms   "
              f"added {added:+6.2f} ms (budget {BUDGET_MS[place]:.0f})   "
              f"ratio {with_hook / without:.2f}{'   OVER BUDGET' if over else ''}")
    reported = len(events.splitlines())
    print(f"  events written in the track: {reported} (expected {commits + 3})")
    return 1 if failed or reported != commits + 3 else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 30))
