"""land.approve: every done track waits in needs-review until a person approves it."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from helpers import background_run, git, run_gitorch, scripted_repo

ROADMAP = ("# Plan\n\n## Group A: Work\n\n### Track 1: First\nput one.txt one\n\n"
           "### Track 2: Second\nput two.txt two\n\n### Track 3: Third\nput three.txt three\n")


def states(repo: Path) -> dict[str, str]:
    status = json.loads(run_gitorch(repo, "status", "--json", "--no-fetch", check=True).stdout)
    return {t["id"]: t["state"] for t in status["tracks"]}


@pytest.mark.slow
def test_done_tracks_wait_until_approved(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, ROADMAP, extra_config="land:\n  approve: true\n")
    run_gitorch(repo, "start", "--wait", check=True)
    # Approved before any landing held it: it goes through at once.
    early = run_gitorch(repo, "approve", "A/3", check=True)
    assert early.stdout.startswith("Approved A/3 at ")
    assert "(a later commit waits again)" in early.stdout
    first = run_gitorch(repo, "land", check=True)
    assert "✓ A/3 landed" in first.stdout
    assert "✗ A/1 is not approved yet: it waits for gitorch approve A/1" in first.stdout
    assert states(repo) == {"A/1": "needs-review", "A/2": "needs-review", "A/3": "landed"}
    run_gitorch(repo, "approve", "A/1", check=True)
    second = run_gitorch(repo, "land", check=True)
    assert "✓ A/1 landed" in second.stdout
    assert states(repo)["A/2"] == "needs-review"
    on_remote = git(repo, "ls-tree", "--name-only", "origin/main").split()
    assert "one.txt" in on_remote and "three.txt" in on_remote
    assert "two.txt" not in on_remote


def test_land_approve_is_checked_as_the_other_land_keys(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, ROADMAP, remote=False,
                         extra_config="land:\n  approve: sometimes\n")
    done = run_gitorch(repo, "status")
    assert done.returncode == 1
    assert done.stderr == "Error: gitorch.yaml:6: land.approve: expected true or false\n"


@pytest.mark.slow
def test_run_waits_for_approval_then_lands_what_was_approved(tmp_path: Path) -> None:
    roadmap = "# Plan\n\n## Group A: Work\n\n### Track 1: First\nput one.txt one\n"
    repo = scripted_repo(tmp_path, roadmap, extra_config="land:\n  approve: true\n")
    with background_run(repo, "--every", "0.5s", "--for", "2m") as run:
        deadline = time.monotonic() + 60
        while states(repo)["A/1"] != "needs-review":
            assert run.poll() is None, f"run ended before anyone approved: {run.stdout}"
            assert time.monotonic() < deadline, "A/1 never came to wait for review"
            time.sleep(0.3)
        run_gitorch(repo, "approve", "A/1", check=True)
        out, err = run.communicate(timeout=60)
    assert run.returncode == 0, err + out
    assert "The roadmap is done." in out
    assert "one.txt" in git(repo, "ls-tree", "--name-only", "origin/main").split()
