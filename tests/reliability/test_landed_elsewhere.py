"""A runner paused while another machine took its track over, finished and landed it."""

from __future__ import annotations

import json
import os
import signal
import time
from collections import Counter
from pathlib import Path

import pytest
from helpers import AGENTS, git, make_repo, run_gitorch, wait_ended

ROADMAP = "# Plan\n\n## Group B: Second\n\n### Track 1: Top\nDo it.\n\n### Track 2: Side\nDo it.\n"


def two_machines(tmp_path: Path) -> tuple[Path, Path, Path]:
    """Clones x and y of one remote, sharing claims that expire after 3 s of silence."""
    config = (f"agent:\n  command: [{AGENTS / 'worker.sh'}]\n  timeout: 60s\n"
              "phases:\n  - {name: work, prompt: go}\n  - {name: review, prompt: look}\n"
              "claims:\n  remote: true\n  heartbeat: 1s\n  expire: 3s\n")
    seed = make_repo(tmp_path / "seed", ROADMAP,
                     {"gitorch.yaml": config, ".gitignore": "uncommitted-*\n"})
    remote = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(seed), str(remote))
    for name in ("x", "y"):
        git(tmp_path, "clone", "-q", str(remote), str(tmp_path / name))
    return tmp_path / "x", tmp_path / "y", remote


def pause_mid_phase(repo: Path, track: str) -> dict[str, int]:
    """Start track and stop its runner and agent (a laptop put to sleep) once the agent runs."""
    run_gitorch(repo, "start", "-t", track, env={"AGENT_SLEEP": "2", "AGENT_SLOW_PHASE": "work"},
                check=True)
    record = repo / ".git" / "gitorch" / "tracks" / "group_{}_track_{}.json".format(
        *track.split("/"))
    deadline = time.monotonic() + 30
    while not json.loads(record.read_text()).get("agent_pgid"):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    document = json.loads(record.read_text())
    os.kill(document["pid"], signal.SIGSTOP)
    os.killpg(document["agent_pgid"], signal.SIGSTOP)
    return {"pid": document["pid"], "pgid": document["agent_pgid"]}


def test_a_track_landed_elsewhere_is_never_claimed_or_run_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    x, y, remote = two_machines(tmp_path)
    runs = tmp_path / "runs.txt"
    # Through monkeypatch: a value left for later tests names a folder their sandbox hides.
    monkeypatch.setenv("AGENT_RUNS", str(runs))
    paused = pause_mid_phase(x, "B/1")
    try:
        time.sleep(3.5)  # x's claim expires on the remote
        run_gitorch(y, "start", "-t", "B/1", "--wait", check=True)
        run_gitorch(y, "land", "B/1", check=True)
        # The land's atomic push took the claim y took over along with main.
        assert git(remote, "for-each-ref", "refs/gitorch") == ""
    finally:
        os.killpg(paused["pgid"], signal.SIGCONT)
        os.kill(paused["pid"], signal.SIGCONT)
    record = wait_ended(x, "B/1")
    assert record["state"] == "landed"
    assert record["reason"] == "landed elsewhere (origin/main)"
    log = (x / ".git" / "gitorch" / "logs" / "group_B_track_1.log").read_text()
    assert "Track B/1 landed elsewhere: origin/main marks it done; not running it again" in log
    assert git(x, "for-each-ref", "refs/gitorch/claims") == ""
    done = run_gitorch(x, "run", "--for", "20s", timeout=90)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "B/1" not in done.stdout.replace("Track B/1 done", "")
    assert "failed" not in done.stdout.split("Summary")[-1].replace("0 failed", "")
    assert "The roadmap is done." in done.stdout
    assert Counter(runs.read_text().splitlines()) == Counter(
        {"B/1 work": 2, "B/1 review": 1, "B/2 work": 1, "B/2 review": 1})
    assert git(remote, "for-each-ref", "refs/gitorch") == ""


def test_a_failed_track_another_machine_landed_is_not_retried(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    x, y, remote = two_machines(tmp_path)
    runs = tmp_path / "runs.txt"
    monkeypatch.setenv("AGENT_RUNS", str(runs))
    run_gitorch(x, "start", "-t", "B/1", "--wait", env={"AGENT_FAIL_PHASE": "work"})
    assert wait_ended(x, "B/1")["state"] == "failed"
    time.sleep(3.5)  # its claim, left on the remote by the failed run, expires
    run_gitorch(y, "start", "-t", "B/1", "--wait", check=True)
    run_gitorch(y, "land", "B/1", check=True)
    again = run_gitorch(x, "start", "-t", "B/1", check=True)
    assert "Skipped B/1: landed" in again.stdout
    done = run_gitorch(x, "run", "--for", "20s", timeout=90)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "The roadmap is done." in done.stdout and "B/1 failed" not in done.stdout
    assert Counter(runs.read_text().splitlines())["B/1 work"] == 2
    assert git(remote, "for-each-ref", "refs/gitorch/claims/B/1") == ""


def test_land_does_not_land_again_a_track_another_machine_landed(tmp_path: Path) -> None:
    x, y, remote = two_machines(tmp_path)
    run_gitorch(x, "start", "-t", "B/1", "--wait", check=True)
    time.sleep(3.5)  # x's runner ended, its claim stopped beating: y may take it over
    run_gitorch(y, "start", "-t", "B/1", "--wait", check=True)
    run_gitorch(y, "land", "B/1", check=True)
    main = git(remote, "rev-parse", "main")
    again = run_gitorch(x, "land", "B/1")
    assert "B/1 landed" not in again.stdout
    assert "landed already (main marks it done)" in again.stdout + again.stderr
    assert git(remote, "rev-parse", "main") == main
    record = wait_ended(x, "B/1")
    assert (record["state"], record["reason"]) == ("landed", "landed elsewhere (main)")
    assert git(x, "for-each-ref", "refs/gitorch/claims") == ""
