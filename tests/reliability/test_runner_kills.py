"""kill -9 of a runner in each phase, then start: resumed in place, nothing lost."""

from __future__ import annotations

import json
import os
import signal
import time
from collections import Counter
from pathlib import Path

import pytest
from helpers import agent_repo, git, run_gitorch, wait_ended

ROUNDS = int(os.environ.get("GITORCH_STRESS", "1"))


@pytest.mark.parametrize("phase", ["work", "review", "commit"])
@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_runner_killed_in_each_phase_is_resumed_in_place(
        tmp_path: Path, phase: str, round_number: int) -> None:
    repo = agent_repo(tmp_path / "repo")
    runs = tmp_path / "runs.txt"
    env = {"AGENT_RUNS": str(runs), "AGENT_SLEEP": "30", "AGENT_SLOW_PHASE": phase}
    run_gitorch(repo, "start", "-t", "A/1", env=env, check=True)
    record_path = repo / ".git" / "gitorch" / "tracks" / "group_A_track_1.json"
    worktree = tmp_path / "repo.tracks" / "group_A_track_1"
    deadline = time.monotonic() + 30
    while True:
        record = json.loads(record_path.read_text())
        committed = phase != "work" or (worktree / "uncommitted-work.txt").exists()
        # The agent's pgid is recorded as soon as it is spawned; under load, a kill that
        # came before the agent said it began would end a phase that never ran.
        began = runs.exists() and f"A/1 {phase}" in runs.read_text().splitlines()
        if record.get("phase") == phase and record.get("agent_pgid") and committed and began:
            break
        assert time.monotonic() < deadline, record
        time.sleep(0.02)
    (worktree / "notes-by-hand.txt").write_text("mine\n")
    os.kill(record["pid"], signal.SIGKILL)
    time.sleep(0.2)
    status = json.loads(run_gitorch(repo, "status", "--json", check=True).stdout)
    assert status["tracks"][0]["state"] == "stale"
    resumed = run_gitorch(repo, "start", "-t", "A/1", "--wait",
                          env={"AGENT_RUNS": str(runs)}, check=True)
    assert "Resuming Group A, Track 1: Alpha" in resumed.stdout
    assert wait_ended(repo, "A/1")["state"] == "done"
    assert (worktree / "notes-by-hand.txt").read_text() == "mine\n"
    assert (worktree / "uncommitted-work.txt").read_text() == "scratch\n"
    assert git(worktree, "branch", "--show-current").strip() == "gitorch/A/1/alpha"
    # The resumed runner starts again at the phase that was cut short, not before it.
    phases = ["work", "review", "commit"]
    expected = Counter({f"A/1 {p}": 1 + (p == phase) for p in phases[phases.index(phase):]})
    expected.update({f"A/1 {p}": 1 for p in phases[:phases.index(phase)]})
    assert Counter(runs.read_text().splitlines()) == expected
    work_runs = expected["A/1 work"]
    assert git(worktree, "rev-list", "--count", "main..HEAD").strip() == str(work_runs)
