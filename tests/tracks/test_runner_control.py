"""stop, logs, release and clean, on real runners."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from helpers import agent_repo, git, run_gitorch, wait_ended
from test_claims import process_gone


def started_record(repo: Path, track: str) -> dict[str, object]:
    """Wait until the track's agent has committed its work and return its record."""
    key = "group_{}_track_{}".format(*track.split("/"))
    path = repo / ".git" / "gitorch" / "tracks" / f"{key}.json"
    scratch = repo.parent / f"{repo.name}.tracks" / key / "uncommitted-work.txt"
    deadline = time.monotonic() + 30
    while True:
        if path.exists() and scratch.exists():
            record = json.loads(path.read_text())
            if record.get("agent_pgid"):
                return dict(record)
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_stop_ends_runner_and_agent_group_leaving_the_worktree(tmp_path: Path) -> None:
    repo = agent_repo(tmp_path / "repo")
    run_gitorch(repo, "start", "-t", "A/1", "-t", "A/2", env={"AGENT_SLEEP": "60"},
                check=True)
    first, second = started_record(repo, "A/1"), started_record(repo, "A/2")
    done = run_gitorch(repo, "stop", "A/1", check=True)
    assert done.stdout.startswith("Stopped A/1 (stopped)")
    record = wait_ended(repo, "A/1")
    assert record["state"] == "stopped"
    for pid in (first["pid"], first["agent_pgid"]):
        assert isinstance(pid, int) and process_gone(pid)
    assert not process_gone(int(str(second["pid"])))
    worktree = tmp_path / "repo.tracks" / "group_A_track_1"
    assert (worktree / "uncommitted-work.txt").read_text() == "scratch\n"
    assert git(worktree, "rev-list", "--count", "main..HEAD").strip() == "1"
    run_gitorch(repo, "stop", "--all", check=True)
    assert wait_ended(repo, "A/2")["state"] == "stopped"
    again = run_gitorch(repo, "stop", "--all", check=True)
    assert again.stdout == "No runner is running.\n"


def test_stop_without_arguments_is_an_error(tmp_path: Path) -> None:
    repo = agent_repo(tmp_path / "repo")
    done = run_gitorch(repo, "stop")
    assert done.returncode == 1
    assert done.stderr.startswith("Error: name the tracks to stop")


def test_logs_tail_and_follow(tmp_path: Path) -> None:
    repo = agent_repo(tmp_path / "repo")
    run_gitorch(repo, "start", "-t", "A/1", env={"AGENT_SLEEP": "1"}, check=True)
    followed = run_gitorch(repo, "logs", "A/1", "-f", "-n", "1000", check=True)
    lines = followed.stdout.splitlines()
    assert lines[-1].endswith("[A/1] Track A/1 ended: done")
    assert sum("===== Phase" in line for line in lines) == 3
    tail = run_gitorch(repo, "logs", "A/1", "-n", "2", check=True)
    assert tail.stdout.splitlines() == lines[-2:]
    missing = run_gitorch(repo, "logs", "A/2")
    assert missing.returncode == 1
    assert "track A/2 has no log yet" in missing.stderr


def test_release_refuses_a_live_runner_then_frees_the_claim(tmp_path: Path) -> None:
    repo = agent_repo(tmp_path / "repo")
    run_gitorch(repo, "start", "-t", "A/1", env={"AGENT_SLEEP": "60"}, check=True)
    record = started_record(repo, "A/1")
    refused = run_gitorch(repo, "release", "A/1")
    assert refused.returncode == 1
    assert f"(PID {record['pid']}) is running" in refused.stderr
    done = run_gitorch(repo, "release", "A/1", "--stop", check=True)
    assert done.stdout.startswith("Released A/1; branch gitorch/A/1/alpha and worktree ")
    assert git(repo, "for-each-ref", "refs/gitorch/claims") == ""
    status = json.loads(run_gitorch(repo, "status", "--json", check=True).stdout)
    assert status["tracks"][0]["state"] == "pending"
    assert (tmp_path / "repo.tracks" / "group_A_track_1" / "track-A-1.txt").exists()
    run_gitorch(repo, "start", "-t", "A/1", "--wait", check=True)
    assert git(repo, "rev-list", "--count", "main..gitorch/A/1/alpha").strip() == "2"


def test_release_of_a_landed_track_keeps_its_record_and_claims_nothing_kept(
        tmp_path: Path) -> None:
    repo = agent_repo(tmp_path / "repo")
    run_gitorch(repo, "start", "-t", "A/1", "--wait", "--land", check=True)
    done = run_gitorch(repo, "release", "A/1", check=True)
    assert done.stdout == "Track A/1 has landed; it holds no claim.\n"
    status = json.loads(run_gitorch(repo, "status", "--json", check=True).stdout)
    assert next(t for t in status["tracks"] if t["id"] == "A/1")["state"] == "landed"
    text = run_gitorch(repo, "status", check=True).stdout.splitlines()
    assert "landed A/1" in text


def test_clean_drops_stale_claims_and_keeps_work(tmp_path: Path) -> None:
    repo = agent_repo(tmp_path / "repo")
    run_gitorch(repo, "start", "-t", "A/1", env={"AGENT_SLEEP": "60"}, check=True)
    record = started_record(repo, "A/1")
    os.kill(int(str(record["pid"])), 9)
    os.killpg(int(str(record["agent_pgid"])), 9)
    time.sleep(0.3)
    done = run_gitorch(repo, "clean", check=True)
    assert "Released A/1" in done.stdout and "(stale)" in done.stdout
    assert git(repo, "for-each-ref", "refs/gitorch/claims") == ""
    assert git(repo, "rev-list", "--count", "main..gitorch/A/1/alpha").strip() == "1"
    assert run_gitorch(repo, "clean", check=True).stdout == "Nothing to clean.\n"


def test_clean_prunes_worktrees_deleted_by_hand(tmp_path: Path) -> None:
    repo = agent_repo(tmp_path / "repo")
    run_gitorch(repo, "start", "-t", "A/2", "--wait", check=True)
    worktree = tmp_path / "repo.tracks" / "group_A_track_2"
    import shutil

    shutil.rmtree(worktree)
    run_gitorch(repo, "clean", check=True)
    assert str(worktree) not in git(repo, "worktree", "list")
    assert git(repo, "rev-list", "--count", "main..gitorch/A/2/beta").strip() == "1"
