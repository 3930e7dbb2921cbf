"""A phase cut short continues its agent's session (DESIGN §15), against fake CLIs that
record how they were called and keep a session store (tests/agents/fake_cli.py)."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest
from helpers import run_gitorch
from test_agent_cli import fake_env, log, preset_repo, record

from gitorch.agents.sessions import CONTINUE


def session_env(tmp_path: Path, **modes: str) -> dict[str, str]:
    """The fake CLIs, with a session store and a ledger of their calls."""
    (tmp_path / "sessions").mkdir(exist_ok=True)
    return {**fake_env(tmp_path, **modes), "FAKE_SESSIONS": str(tmp_path / "sessions"),
            "FAKE_ARGV": str(tmp_path / "argv.jsonl"), "FAKE_HALTED": str(tmp_path / "halted"),
            "FAKE_GO": str(tmp_path / "go")}


def calls(tmp_path: Path) -> list[dict[str, object]]:
    """Each call of a fake CLI, in order."""
    path = tmp_path / "argv.jsonl"
    return [json.loads(text) for text in path.read_text().splitlines()] if path.exists() else []


def wait_for(path: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never came"
        time.sleep(0.05)


def halted_track(tmp_path: Path, preset: str) -> tuple[Path, dict[str, str]]:
    """A one-phase track whose agent began a session and is waiting to be cut short."""
    repo = preset_repo(tmp_path, preset)
    env = session_env(tmp_path, all="halt")
    run_gitorch(repo, "start", "--track", "A/1", env=env, check=True)
    wait_for(tmp_path / "halted")
    # The runner records a session the CLI names (codex, gemini) once it reads that line.
    deadline = time.monotonic() + 30
    while not record(repo).get("sessions"):
        assert time.monotonic() < deadline, "the runner never recorded the agent's session"
        time.sleep(0.05)
    return repo, env


def assert_continued(tmp_path: Path, repo: Path, preset: str) -> None:
    """The second run continued the first one's session, and the track finished."""
    first, second = calls(tmp_path)
    assert not first["resumed"] and second["resumed"], (first, second)
    assert second["session"] == first["session"]
    assert record(repo)["state"] == "done", log(repo)
    assert record(repo)["resumable"] is None
    assert f"Continuing {preset}'s session {first['session']} of phase work" in log(repo)
    if preset != "aider":  # its prompt is in a file
        assert CONTINUE.format(phase="work", track="A/1") in second["args"]  # type: ignore[operator]


@pytest.mark.parametrize("preset", ["claude", "codex", "gemini", "aider"])
def test_a_phase_whose_runner_was_killed_continues_its_session(tmp_path: Path,
                                                               preset: str) -> None:
    repo, env = halted_track(tmp_path, preset)
    runner = record(repo)["pid"]
    assert isinstance(runner, int)
    os.kill(runner, signal.SIGKILL)
    shown = json.loads(run_gitorch(repo, "status", "--json", env=env, check=True).stdout)
    assert shown["tracks"][0]["state"] == "stale"
    assert shown["tracks"][0]["session"] == calls(tmp_path)[0]["session"]
    run_gitorch(repo, "start", "--track", "A/1", "--wait", env=env, check=True)
    assert_continued(tmp_path, repo, preset)


def test_a_stopped_phase_continues_its_session(tmp_path: Path) -> None:
    repo, env = halted_track(tmp_path, "claude")
    run_gitorch(repo, "stop", "A/1", env=env, check=True)
    assert record(repo)["state"] == "stopped"
    run_gitorch(repo, "start", "--track", "A/1", "--wait", env=env, check=True)
    assert_continued(tmp_path, repo, "claude")
    first, second = calls(tmp_path)
    assert "--session-id" in first["args"]  # type: ignore[operator]
    assert second["args"][:4] == ["-p", CONTINUE.format(phase="work", track="A/1"),  # type: ignore[index]
                                  "--resume", first["session"]]


@pytest.mark.parametrize("preset", ["claude", "codex"])
def test_a_phase_at_a_usage_limit_continues_its_session_after_the_reset(
        tmp_path: Path, preset: str) -> None:
    repo = preset_repo(tmp_path, preset)
    env = {**session_env(tmp_path, all="limit"), "FAKE_RESET_IN": "3"}
    run_gitorch(repo, "start", "--track", "A/1", "--wait", env=env)
    assert record(repo)["state"] == "rate-limited", log(repo)
    reset = int((tmp_path / "limit-reset").read_text())
    time.sleep(max(0.0, reset - time.time() + 0.1))  # past the reset the fake CLI named
    run_gitorch(repo, "start", "--track", "A/1", "--wait", env=env, check=True)
    assert_continued(tmp_path, repo, preset)


@pytest.mark.parametrize("preset", ["claude", "codex", "gemini"])
def test_a_session_the_cli_cannot_continue_runs_the_phase_afresh(tmp_path: Path,
                                                                 preset: str) -> None:
    repo, env = halted_track(tmp_path, preset)
    run_gitorch(repo, "stop", "A/1", env=env, check=True)
    for kept in (tmp_path / "sessions").iterdir():
        kept.unlink()  # expired
    run_gitorch(repo, "start", "--track", "A/1", "--wait", env={**env, "FAKE_MODE": "ok"},
                check=True)
    assert record(repo)["state"] == "done", log(repo)
    ran = calls(tmp_path)
    assert ran[1]["resumed"] and not ran[-1]["resumed"], ran
    said = log(repo)
    assert f"could not continue session {ran[0]['session']}" in said
    assert "running phase work afresh" in said
    # The fresh run got the phase's own prompt, not the short one.
    assert CONTINUE.format(phase="work", track="A/1") not in ran[-1]["args"]  # type: ignore[operator]


def test_resume_false_starts_a_cut_short_phase_over(tmp_path: Path) -> None:
    repo = preset_repo(tmp_path, "claude", "  resume: false\nphases: [{name: work}]\n")
    env = session_env(tmp_path, all="halt")
    run_gitorch(repo, "start", "--track", "A/1", env=env, check=True)
    wait_for(tmp_path / "halted")
    run_gitorch(repo, "stop", "A/1", env=env, check=True)
    (tmp_path / "halted").unlink()
    run_gitorch(repo, "start", "--track", "A/1", env=env, check=True)
    wait_for(tmp_path / "halted")  # a new session halts again: it was not continued
    run_gitorch(repo, "stop", "A/1", env=env, check=True)
    first, second = calls(tmp_path)
    assert not second["resumed"] and second["session"] != first["session"]


def test_a_repair_continues_the_session_the_track_was_built_in(tmp_path: Path) -> None:
    repo = preset_repo(tmp_path, "claude")
    env = {**session_env(tmp_path), "FAKE_EDIT": "same.txt"}
    run_gitorch(repo, "start", "--track", "A/1", "--track", "A/2", "--wait", env=env,
                check=True)
    landed = json.loads(run_gitorch(repo, "land", "--json", env=env).stdout)
    assert landed["conflict"] == {"A/2": ["same.txt"]}
    run_gitorch(repo, "repair", "A/2", "--wait", env=env, check=True)
    work, resolve = [c for c in calls(tmp_path) if c["track"] == "A/2"]
    assert (resolve["phase"], resolve["resumed"]) == ("resolve", True)
    assert resolve["session"] == work["session"]
    assert json.loads(run_gitorch(repo, "land", "--json", env=env).stdout)["landed"] == ["A/2"]
