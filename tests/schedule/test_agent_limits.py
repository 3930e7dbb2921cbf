"""`gitorch run` with agents at a usage limit or logged out (fake CLIs, real runners)."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

from helpers import AGENTS, make_repo, read_json_file, run_gitorch

ROADMAP = """# Roadmap

## Group A: Agents

### Track 1: Alpha
First.

### Track 2: Beta
Second.

### Track 3: Gamma
Third.
"""


def claude_repo(tmp_path: Path, parallel: int) -> Path:
    config = (f"remote: null\nmax_parallel: {parallel}\nagent:\n  preset: claude\n"
              "  timeout: 60s\nphases: [{name: work}]\n")
    return make_repo(tmp_path / "repo", ROADMAP, {"gitorch.yaml": config})


def fake_env(tmp_path: Path, **modes: str) -> dict[str, str]:
    return {"PATH": f"{AGENTS / 'bin'}{os.pathsep}{os.environ['PATH']}", "IS_SANDBOX": "1",
            "FAKE_RUNS": str(tmp_path / "runs.txt"), "FAKE_RESET_IN": "3",
            "FAKE_LIMIT_FILE": str(tmp_path / "limit-reset"), **modes}


def record(repo: Path, track: str) -> dict[str, object]:
    key = "group_{}_track_{}".format(*track.split("/"))
    return read_json_file(repo / ".git" / "gitorch" / "tracks" / f"{key}.json")


def epoch(stamp: object) -> float:
    moment = datetime.strptime(str(stamp), "%Y-%m-%dT%H:%M:%SZ")
    return moment.replace(tzinfo=timezone.utc).timestamp()


def test_a_rate_limited_track_waits_for_its_reset_while_the_others_go_on(
        tmp_path: Path) -> None:
    repo = claude_repo(tmp_path, 3)
    env = fake_env(tmp_path, FAKE_MODE_A_2="limit")
    done = run_gitorch(repo, "run", "--every", "0.5s", env=env)
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert "⏸ Track A/2 waits: claude hit a usage limit in work" in out
    assert "no retry spent" in out
    assert "Track A/2: claude may run again; re-running phase work" in out
    assert "3 tracks landed, 0 failed" in out and "The roadmap is done." in out
    runs = (tmp_path / "runs.txt").read_text().splitlines()
    assert sorted(runs) == ["claude A/1 work ok", "claude A/2 work limit",
                            "claude A/2 work ok", "claude A/3 work ok"]
    reset = int((tmp_path / "limit-reset").read_text())
    beta = record(repo, "A/2")
    assert beta["state"] == "landed" and beta["attempts"] == 1  # no retry counted
    assert epoch(beta["started_at"]) >= reset  # not started again before its reset
    for other in ("A/1", "A/3"):
        assert record(repo, other)["attempts"] == 1
    # Three finished runs of the fixture's numbers; the limited run spent nothing.
    assert "agents spent 9204 in (1200 cached), 336 out, $0.0299" in out


def test_run_starts_nothing_more_with_an_agent_that_is_not_logged_in(tmp_path: Path) -> None:
    repo = claude_repo(tmp_path, 1)
    done = run_gitorch(repo, "run", "--every", "0.3s", env=fake_env(tmp_path, FAKE_MODE="nokey"))
    assert done.returncode == 1
    assert "nothing more starts with claude" in done.stdout
    assert (tmp_path / "runs.txt").read_text().splitlines() == ["claude A/1 work nokey"]
    alpha = record(repo, "A/1")
    assert alpha["state"] == "failed" and alpha["attempts"] == 1
    assert "claude is not logged in" in str(alpha["reason"])
