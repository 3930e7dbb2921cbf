"""The shared object store is read-only inside: a track's objects join it after each run."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from helpers import git, run_gitorch
from sandbox_repos import hostile_repo

ROADMAP = ("# Plan\n\n## Group A: Trust\n\n### Track 1: Honest\nact: housekeeping\n\n"
           "### Track 2: Objects\nact: objects\n\n### Track 3: Damaged\nact: damaged\n\n"
           "### Track 4: Fifo\nact: fifo\n")


def record(repo: Path, key: str) -> dict[str, object]:
    path = repo / ".git" / "gitorch" / "tracks" / f"{key}.json"
    return dict(json.loads(path.read_text()))


@pytest.mark.slow
def test_no_agent_can_damage_the_shared_store_and_honest_commits_all_land(
        tmp_path: Path, bwrap: str) -> None:
    repo = hostile_repo(tmp_path, "bwrap", ROADMAP)
    roadmap_blob = git(repo, "rev-parse", "HEAD:ROADMAP.md").strip()
    run_gitorch(repo, "start", "--wait")
    assert git(repo, "cat-file", "-p", roadmap_blob) == ROADMAP
    fsck = subprocess.run(["git", "fsck", "--full", "--no-dangling"], cwd=repo,
                          capture_output=True, text=True, check=False)
    assert fsck.returncode == 0, fsck.stderr
    assert not (repo / ".git" / "objects" / "info" / "alternates").exists()
    logs = repo / ".git" / "gitorch" / "logs"
    assert "act objects failed" in (logs / "group_A_track_2.log").read_text()
    damaged = record(repo, "group_A_track_3")
    assert damaged["state"] == "failed"
    assert "wrote damaged objects, which were not kept" in str(damaged["reason"])
    fifo = record(repo, "group_A_track_4")
    assert fifo["state"] == "failed"
    assert "cdef0123456789abcdef0123456789abcdef01 (not a file)" in str(fifo["reason"])
    assert record(repo, "group_A_track_1")["state"] == "done"
    run_gitorch(repo, "land", "A/1", check=True)
    remote = tmp_path / "remote.git"
    landed = git(remote, "log", "--format=%s", "main").splitlines()
    assert {"A/1: its own work", "A/1: a first commit"} <= set(landed)
    assert git(remote, "show", "main:first.txt") == "first\n"
