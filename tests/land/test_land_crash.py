"""kill -9 of land at every step: main and the remote old-or-new, nothing lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import git, land_paused_at, run_gitorch, scripted_repo

STEPS = ["fetch", "replay", "gate", "push", "ref-update", "worktree", "cleanup"]
ROUNDS = int(os.environ.get("GITORCH_CRASH_ROUNDS", "3"))
ROADMAP = ("# Plan\n\n## Group A: Work\n\n### Track 1: One\nput one.txt 1\n\n"
           "### Track 2: Two\nput two.txt 2\n\n## Group B: Later\n\n### Track 1: Next\n")


def landed_completely(repo: Path, rev: str) -> bool:
    files = git(repo, "ls-tree", "--name-only", rev).split()
    roadmap = git(repo, "show", f"{rev}:ROADMAP.md")
    return "one.txt" in files and "two.txt" in files and "## Group A: Work ✅" in roadmap


def kill_land_at(repo: Path, step: str, marker: Path) -> None:
    """Run `gitorch land` until it pauses at step, then kill -9 it there."""
    landing = land_paused_at(repo, step, marker)
    os.kill(landing.pid, signal.SIGKILL)
    landing.wait()


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_kill_during_land_leaves_old_or_new_and_the_next_land_finishes(
        tmp_path: Path, step: str, round_number: int) -> None:
    repo = scripted_repo(tmp_path, ROADMAP, extra_config="land:\n  test_command: [\"true\"]\n")
    remote = tmp_path / "remote.git"
    run_gitorch(repo, "start", "--wait", check=True)
    old = git(repo, "rev-parse", "main").strip()
    kill_land_at(repo, step, tmp_path / "paused")

    for where in (repo, remote):
        main = git(where, "rev-parse", "main").strip()
        assert main == old or landed_completely(where, main), f"{where} half-landed"
    for number, name in ((1, "one"), (2, "two")):
        branch = git(repo, "for-each-ref", "--format=%(refname)",
                     f"refs/heads/gitorch/A/{number}/{name}").strip()
        assert branch or landed_completely(repo, "main"), f"A/{number}'s work was lost"

    status = run_gitorch(repo, "status", check=True).stdout
    interrupted = "A landing was interrupted; gitorch land finishes it." in status
    assert interrupted == (step in ("push", "ref-update", "worktree", "cleanup"))
    again = run_gitorch(repo, "land")
    assert again.returncode == 0, again.stderr
    main = git(repo, "rev-parse", "main").strip()
    assert git(remote, "rev-parse", "main").strip() == main
    assert landed_completely(repo, main)
    subjects = git(repo, "log", "--format=%s", "main").splitlines()
    assert subjects.count("A/1: scripted work") == 1
    assert subjects.count("A/2: scripted work") == 1
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "for-each-ref", "refs/gitorch") == ""


def test_land_after_a_kill_waits_for_the_checkout_left_running(tmp_path: Path) -> None:
    """A land killed once main moved can leave git bringing the main worktree along, its
    index.lock held: the next land waits for that lock to go instead of stopping on it,
    and names a lock that stays (a git that crashed) in one line, losing nothing."""
    repo = scripted_repo(tmp_path, ROADMAP)
    run_gitorch(repo, "start", "--wait", check=True)
    kill_land_at(repo, "worktree", tmp_path / "paused")
    lock = repo / ".git" / "index.lock"
    lock.write_bytes(b"")  # as the checkout's own git holds it until it is done
    stuck = run_gitorch(repo, "land")
    assert stuck.returncode == 1
    assert stuck.stderr == (f"Error: `git write-tree` exited 128: fatal: Unable to create "
                            f"'{lock}': File exists.\n")
    releasing = subprocess.Popen([sys.executable, "-c", "import os, sys, time; "
                                  "time.sleep(1); os.remove(sys.argv[1])", str(lock)])
    again = run_gitorch(repo, "land")
    releasing.wait()
    assert again.returncode == 0, again.stderr
    assert "finished an interrupted landing of A/1, A/2" in again.stdout
    assert landed_completely(repo, "main")
    assert git(repo, "status", "--porcelain") == ""
