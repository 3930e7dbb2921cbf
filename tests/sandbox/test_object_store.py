"""Inside the sandbox an honest agent's git works on the object store as it would outside."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from helpers import git, run_gitorch
from sandbox_repos import hostile_repo

ROADMAP = ("# Plan\n\n## Group A: Trust\n\n### Track 1: Housekeeping\nact: housekeeping\n\n"
           "### Track 2: Plain\nact: plain_env\n")


def state(repo: Path, key: str) -> object:
    path = repo / ".git" / "gitorch" / "tracks" / f"{key}.json"
    return json.loads(path.read_text())["state"]


@pytest.mark.slow
def test_commits_gc_and_repack_inside_work_and_every_commit_lands(
        tmp_path: Path, bwrap: str) -> None:
    repo = hostile_repo(tmp_path, "bwrap", ROADMAP)
    run_gitorch(repo, "start", "--wait", check=True)
    assert state(repo, "group_A_track_1") == state(repo, "group_A_track_2") == "done"
    fsck = subprocess.run(["git", "fsck", "--full", "--no-dangling"], cwd=repo,
                          capture_output=True, text=True, check=False)
    assert fsck.returncode == 0, fsck.stdout + fsck.stderr
    run_gitorch(repo, "land", check=True)
    landed = git(tmp_path / "remote.git", "log", "--format=%s", "main").splitlines()
    assert {"A/1: a first commit", "A/1: its own work", "A/2: a commit by a tool of its own",
            "A/2: its own work"} <= set(landed)
