"""worktree.setup is repository content: it runs in the track's sandbox, as its agent does."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import run_gitorch
from sandbox_repos import hostile_repo

ROADMAP = "# Plan\n\n## Group A: Trust\n\n### Track 1: Honest\nact: none\n"


def setup_repo(tmp_path: Path, script: str) -> Path:
    """A one-track repository whose worktree.setup runs the shell script given."""
    return hostile_repo(tmp_path, "bwrap", ROADMAP,
                        f"worktree:\n  setup: [sh, -c, '{script}']\n")


def test_a_setup_that_writes_outside_its_worktree_fails_and_is_logged(tmp_path: Path,
                                                                      bwrap: str) -> None:
    outside = tmp_path / "repo" / "setup-was-here"
    repo = setup_repo(tmp_path, f"touch {outside}")
    ended = run_gitorch(repo, "start", "--wait")
    assert ended.returncode == 1
    assert not outside.exists()
    record = json.loads((repo / ".git" / "gitorch" / "tracks" / "group_A_track_1.json"
                         ).read_text())
    assert record["state"] == "failed"
    assert record["reason"].startswith("worktree.setup `sh -c touch")
    log = (repo / ".git" / "gitorch" / "logs" / "group_A_track_1.log").read_text()
    assert f"touch: cannot touch '{outside}': Read-only file system" in log


def test_an_honest_setup_still_prepares_the_worktree(tmp_path: Path, bwrap: str) -> None:
    repo = setup_repo(tmp_path, "echo ready > setup-ran")
    run_gitorch(repo, "start", "--wait", check=True)
    worktree = tmp_path / "repo.tracks" / "group_A_track_1"
    assert (worktree / "setup-ran").read_text() == "ready\n"
