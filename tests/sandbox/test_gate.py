"""The test gate runs in the sandbox too: its scratch worktree is all it may write."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import git, run_gitorch
from sandbox_repos import AGENTS, hostile_repo


@pytest.mark.parametrize("sandbox", ["bwrap", "off"])
def test_the_gate_writes_its_scratch_worktree_only(tmp_path: Path, sandbox: str,
                                                   bwrap: str) -> None:
    gate = AGENTS / "gate.sh"
    roadmap = "# Plan\n\n## Group A: Trust\n\n### Track 1: Honest\nact: none\n"
    repo = hostile_repo(tmp_path, sandbox, roadmap, f"land:\n  test_command: [{gate}]\n")
    run_gitorch(repo, "start", "--wait", check=True)
    run_gitorch(repo, "land", check=True, env={"SANDBOX_MAIN": str(repo)})
    assert git(tmp_path / "remote.git", "show", "main:track-A-1.txt") == "work of A/1\n"
    assert (repo / "gate-was-here").exists() == (sandbox == "off")
