"""Clocks that run ahead: a time from the future counts as now, and status -v says so."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from helpers import AGENTS, agent_repo, git, make_repo, run_gitorch

ONE_TRACK = "# Plan\n\n## Group A: Work\n\n### Track 1: One\nDo it.\n"
TOMORROW = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 29 * 3600))


def plant_future_claim(remote: Path, work: Path) -> None:
    """A claim on the remote by a host whose clock is 29 h ahead, and which died."""
    base = git(work, "rev-parse", "main").strip()
    message = (f"gitorch claim A/1\n\ntrack: A/1\nhost: far-host\npid: 4242\nuser: ada\n"
               f"time: {TOMORROW}\nbase: {base}\nnonce: 0123456789abcdef\n")
    tree = git(work, "hash-object", "-t", "tree", "-w", "/dev/null").strip()
    commit = git(work, "commit-tree", tree, "-m", message).strip()
    git(work, "push", "-q", str(remote), f"{commit}:refs/gitorch/claims/A/1")


def test_a_dead_claim_stamped_in_the_future_is_taken_over(tmp_path: Path) -> None:
    config = (f"agent:\n  command: [{AGENTS / 'worker.sh'}]\n  timeout: 60s\n"
              "phases:\n  - {name: work, prompt: go}\n"
              "claims:\n  remote: true\n  heartbeat: 1s\n  expire: 3s\n")
    seed = make_repo(tmp_path / "seed", ONE_TRACK,
                     {"gitorch.yaml": config, ".gitignore": "uncommitted-*\n"})
    remote = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(seed), str(remote))
    plant_future_claim(remote, seed)
    repo = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(remote), str(repo))
    first = run_gitorch(repo, "start", "-t", "A/1", check=True)
    assert "Skipped A/1: claimed\n" in first.stdout
    detail = run_gitorch(repo, "status", "-v", check=True).stdout
    assert "clock ahead by 29h on host far-host: its times are taken as now" in detail
    assert "heartbeat -" not in detail
    time.sleep(3.5)  # not refreshed for claims.expire since this clone first saw it
    taken = run_gitorch(repo, "start", "-t", "A/1", "--wait", check=True)
    assert "✓ [A/1] completed successfully" in taken.stdout


def test_a_track_failed_in_the_future_is_retried(tmp_path: Path) -> None:
    repo = agent_repo(tmp_path / "repo", ONE_TRACK, extra_config=(
        "phases:\n  - {name: work, prompt: go}\nrun:\n  every: 1s\n  retries: 2\n"))
    run_gitorch(repo, "start", "--wait", env={"AGENT_FAIL_PHASE": "work"})
    path = repo / ".git" / "gitorch" / "tracks" / "group_A_track_1.json"
    record = json.loads(path.read_text())
    assert record["state"] == "failed"
    record["ended_at"] = record["updated_at"] = TOMORROW
    path.write_text(json.dumps(record))
    host = record["host"]
    assert f"clock ahead by 29h on host {host}" in run_gitorch(repo, "status", "-v").stdout
    os.environ.pop("AGENT_FAIL_PHASE", None)
    done = run_gitorch(repo, "run", "--for", "15s", timeout=60)
    assert "Retrying Group A, Track 1: One (attempt 2 of 3)" in done.stdout, done.stdout
    assert done.returncode == 0, done.stdout + done.stderr
