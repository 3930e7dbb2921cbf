"""Claims under races and crashes: never two runners on one track, stale ones resumed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from helpers import agent_repo, git, race_starts, run_gitorch, wait_ended

from gitorch.tracks.claims import parse_claim

ROUNDS = int(os.environ.get("GITORCH_RACE_ROUNDS", "20"))
STARTERS = 16


def test_sixteen_starts_at_once_run_each_track_exactly_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for round_number in range(ROUNDS):
        repo = agent_repo(tmp_path / f"repo{round_number}",
                          extra_config="phases:\n  - {name: work, prompt: go}\n")
        runs = tmp_path / f"runs{round_number}.txt"
        monkeypatch.setenv("AGENT_RUNS", str(runs))
        race_starts([repo] * STARTERS)
        for track in ("A/1", "A/2", "A/3", "A/4"):
            assert wait_ended(repo, track)["state"] == "done"
        counted = Counter(runs.read_text().splitlines())
        assert counted == Counter({f"A/{n} work": 1 for n in range(1, 5)}), counted


def test_claim_commit_records_who_and_is_unique(tmp_path: Path) -> None:
    repo = agent_repo(tmp_path / "repo")
    run_gitorch(repo, "start", "--wait", check=True)
    messages = {}
    for n in range(1, 5):
        commit = git(repo, "rev-parse", f"refs/gitorch/claims/A/{n}").strip()
        claim = parse_claim(commit, git(repo, "log", "-1", "--format=%B", commit))
        assert claim is not None and claim.track == f"A/{n}"
        assert claim.host and claim.pid > 0 and claim.user and len(claim.base) == 40
        messages[commit] = claim.nonce
    assert len(set(messages.values())) == 4
    # Claims name the empty tree: it is in the store, so git fsck finds nothing missing.
    fsck = subprocess.run(["git", "fsck", "--full", "--no-dangling"], cwd=repo,
                          capture_output=True, text=True, check=False)
    assert fsck.returncode == 0 and not fsck.stdout, fsck.stdout + fsck.stderr


def test_killed_runner_is_stale_then_resumed_in_place(tmp_path: Path) -> None:
    repo = agent_repo(tmp_path / "repo")
    runs = tmp_path / "runs.txt"
    env = {"AGENT_RUNS": str(runs), "AGENT_SLEEP": "30"}
    run_gitorch(repo, "start", "-t", "A/1", env=env, check=True)
    record_path = repo / ".git" / "gitorch" / "tracks" / "group_A_track_1.json"
    worktree = tmp_path / "repo.tracks" / "group_A_track_1"
    deadline = time.monotonic() + 30
    while not (worktree / "uncommitted-work.txt").exists():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    record = json.loads(record_path.read_text())
    os.kill(record["pid"], signal.SIGKILL)
    time.sleep(0.3)
    tracks = {t["id"]: t for t in json.loads(
        run_gitorch(repo, "status", "--json", check=True).stdout)["tracks"]}
    assert tracks["A/1"]["state"] == "stale"
    assert tracks["A/1"]["alive"] is False
    done = run_gitorch(repo, "start", "--wait", "-t", "A/1", env={"AGENT_RUNS": str(runs)},
                       check=True)
    assert "Resuming Group A, Track 1: Alpha" in done.stdout
    assert "Available tracks: A/2, A/3, A/4; resuming A/1" in done.stdout.splitlines()
    assert (worktree / "uncommitted-work.txt").read_text() == "scratch\n"
    assert (worktree / "track-A-1.txt").read_text() == "work on A/1\nwork on A/1\n"
    assert git(worktree, "rev-list", "--count", "main..HEAD").strip() == "2"


def test_stale_tracks_are_taken_first_and_orphaned_agents_ended(tmp_path: Path) -> None:
    # A sandboxed agent dies with its runner (tests/sandbox/): only without one is it left.
    repo = agent_repo(tmp_path / "repo", extra_config="sandbox: off\n")
    run_gitorch(repo, "start", "-t", "A/3", env={"AGENT_SLEEP": "30"}, check=True)
    record_path = repo / ".git" / "gitorch" / "tracks" / "group_A_track_3.json"
    deadline = time.monotonic() + 30
    while json.loads(record_path.read_text()).get("agent_pgid") is None:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    record = json.loads(record_path.read_text())
    os.kill(record["pid"], signal.SIGKILL)
    time.sleep(0.3)
    assert not process_gone(record["agent_pgid"])
    done = run_gitorch(repo, "start", "--parallel", "1", "--dry-run", check=True)
    assert "Would start Group A, Track 3: Gamma" in done.stdout
    run_gitorch(repo, "start", "-t", "A/3", check=True)
    deadline = time.monotonic() + 10
    while not process_gone(record["agent_pgid"]):
        assert time.monotonic() < deadline, "the orphaned agent was left running"
        time.sleep(0.05)
    assert wait_ended(repo, "A/3")["state"] == "done"


def process_gone(pid: int) -> bool:
    """Whether pid has exited (a zombie waiting for its reaper counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"
