"""Runners forked from the command that claimed their tracks: their files, and stopping them."""

from __future__ import annotations

from pathlib import Path

from helpers import agent_repo, run_gitorch, wait_ended
from test_claims import process_gone
from test_runner_control import started_record


def test_a_forked_runner_holds_only_its_lock_and_stop_still_finds_it(tmp_path: Path) -> None:
    repo = agent_repo(tmp_path / "repo")
    run_gitorch(repo, "start", "-t", "A/1", env={"AGENT_SLEEP": "60"}, check=True)
    record = started_record(repo, "A/1")
    pid = int(str(record["pid"]))
    # Forked from `gitorch start`, gitorch already imported: not a `gitorch _runner` process.
    assert b"_runner" not in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    # Its parent's start lock went with the fork's other files: a second start takes it.
    second = run_gitorch(repo, "start", "-t", "A/2", env={"AGENT_SLEEP": "60"}, check=True,
                         timeout=20)
    assert "Track 2" in second.stdout
    done = run_gitorch(repo, "stop", "A/1", check=True)
    assert done.stdout.startswith("Stopped A/1 (stopped)")
    assert wait_ended(repo, "A/1")["state"] == "stopped"
    assert process_gone(pid) and process_gone(int(str(record["agent_pgid"])))
    run_gitorch(repo, "stop", "--all", check=True)
    assert wait_ended(repo, "A/2")["state"] == "stopped"
