"""Land trusts what it saw (DESIGN §14): a runner's end, its recorded tip, main's move."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import agent_repo, read_json_file, run_gitorch, wait_ended

ONE_TRACK = "# Plan\n\n## Group A: Work\n\n### Track 1: Early\nGo.\n\n## Group Z: Later\n\n" \
            "### Track 1: Next\nLater.\n"


def record_path(repo: Path, track: str) -> Path:
    key = "group_{}_track_{}".format(*track.split("/"))
    return repo / ".git" / "gitorch" / "tracks" / f"{key}.json"


def wait_for(path: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)


@pytest.fixture
def early_done(tmp_path: Path) -> Iterator[Path]:
    """A track whose agent committed `Gitorch-Done: true` and now reviews, held there."""
    repo = agent_repo(tmp_path / "repo", ONE_TRACK, agent="early_done.sh")
    run_gitorch(repo, "init", check=True)
    env = {"AGENT_REVIEWING": str(tmp_path / "reviewing"), "AGENT_GO": str(tmp_path / "go")}
    run_gitorch(repo, "start", "-t", "A/1", env=env, check=True)
    try:
        wait_for(tmp_path / "reviewing")
        yield repo
    finally:
        run_gitorch(repo, "stop", "--all")


def test_a_trailer_while_the_runner_runs_waits_for_its_end(tmp_path: Path,
                                                           early_done: Path) -> None:
    repo = early_done
    early = json.loads(run_gitorch(repo, "land", "--json", check=True).stdout)
    assert early["landed"] == []
    named = run_gitorch(repo, "land", "--json", "A/1")
    assert named.returncode == 1
    assert json.loads(named.stdout)["skipped"] == {"A/1": "not done (running)"}
    assert read_json_file(record_path(repo, "A/1"))["state"] == "running"
    (tmp_path / "go").touch()
    assert wait_ended(repo, "A/1")["state"] == "done"
    result = json.loads(run_gitorch(repo, "land", "--json", check=True).stdout)
    assert result["landed"] == ["A/1"]
    assert (repo / "work.txt").exists() and (repo / "review.txt").exists()


def test_a_runner_never_turns_a_landed_record_back(tmp_path: Path, early_done: Path) -> None:
    """A track marked landed under its runner (by a land that did not wait) stays landed."""
    repo = early_done
    path = record_path(repo, "A/1")
    document = read_json_file(path)
    path.write_text(json.dumps({**document, "state": "landed"}))
    (tmp_path / "go").touch()
    ended = wait_ended(repo, "A/1")
    assert ended["state"] == "landed", ended
    log = (repo / ".git" / "gitorch" / "logs" / "group_A_track_1.log").read_text()
    assert "Track A/1 ended: landed" in log
