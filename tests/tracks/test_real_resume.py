"""Opt-in (GITORCH_REAL_AGENTS=1): the real claude and codex continue a session cut short,
through the loopback fake API (tests/tracks/fake_api.py), and a session they cannot
continue makes the phase run afresh."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest
from fake_api import fake_api
from helpers import make_repo, read_json_file, run_gitorch
from test_real_agents import ROADMAP, claude_env, real

from gitorch.agents.sessions import CONTINUE


def codex_env(tmp_path: Path, url: str) -> dict[str, str]:
    """A provider of its own in codex's config (its Responses API), with a key."""
    home = Path(os.environ["HOME"]) / ".codex"
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(
        'model = "gpt-mock"\nmodel_provider = "mock"\n[model_providers.mock]\n'
        f'name = "mock"\nbase_url = "{url}/v1"\nenv_key = "OPENAI_API_KEY"\n'
        'wire_api = "responses"\n')
    return {"OPENAI_API_KEY": "sk-mock"}


ENVS = {"claude": claude_env, "codex": codex_env}
# Where each CLI keeps a session's conversation, under HOME.
STORES = {"claude": ".claude/projects", "codex": ".codex/sessions"}


def state_of(repo: Path) -> tuple[dict[str, object], str]:
    state = repo / ".git" / "gitorch"
    return (read_json_file(state / "tracks" / "group_A_track_1.json"),
            (state / "logs" / "group_A_track_1.log").read_text())


def run_once(tmp_path: Path, repo: Path, preset: str, status: int) -> tuple[dict[str, object], str]:
    with fake_api(status) as url:
        run_gitorch(repo, "start", "--track", "A/1", "--wait", timeout=240,
                    env=ENVS[preset](tmp_path, url))
    return state_of(repo)


def conversation(preset: str, session: str) -> str:
    """Everything the CLI's own store holds of the session."""
    found = [p for p in (Path(os.environ["HOME"]) / STORES[preset]).rglob(f"*{session}*.jsonl")]
    assert found, f"{preset} kept no session {session}"
    return "".join(p.read_text() for p in found)


def real_repo(tmp_path: Path, preset: str) -> Path:
    config = f"remote: null\nagent:\n  preset: {preset}\n  timeout: 3m\nphases: [{{name: work}}]\n"
    return make_repo(tmp_path / "repo", ROADMAP, {"gitorch.yaml": config})


@pytest.mark.parametrize("preset", [pytest.param(p, marks=real(p)) for p in ENVS])
def test_real_cli_continues_its_session_after_a_usage_limit(tmp_path: Path, preset: str) -> None:
    repo = real_repo(tmp_path, preset)
    record, log = run_once(tmp_path, repo, preset, 429)
    assert record["state"] == "rate-limited", (record["reason"], log)
    sessions = record["sessions"]
    assert isinstance(sessions, dict)
    session = sessions["work"]
    assert record["resumable"] == "work"
    record, log = run_once(tmp_path, repo, preset, 200)
    assert f"Continuing {preset}'s session {session} of phase work" in log, log
    assert "could not continue" not in log
    # The fake API edits nothing, so the track has no commits; the phase itself worked.
    assert record["reason"] == "no commits beyond the base", log
    assert record["sessions"] == {"work": session} and record["resumable"] is None
    # One conversation holds the phase's prompt and the short one that continued it.
    kept = conversation(preset, str(session))
    assert "Say done." in kept and CONTINUE.format(phase="work", track="A/1")[:60] in kept


@pytest.mark.parametrize("preset", [pytest.param(p, marks=real(p)) for p in ENVS])
def test_real_cli_refusing_a_session_runs_the_phase_afresh(tmp_path: Path, preset: str) -> None:
    repo = real_repo(tmp_path, preset)
    record, log = run_once(tmp_path, repo, preset, 429)
    assert record["state"] == "rate-limited", (record["reason"], log)
    # A session the CLI never had: as one expired.
    gone = str(uuid.uuid4())
    path = repo / ".git" / "gitorch" / "tracks" / "group_A_track_1.json"
    path.write_text(json.dumps({**record, "sessions": {"work": gone}}))
    record, log = run_once(tmp_path, repo, preset, 200)
    assert f"{preset} could not continue session {gone}" in log, log
    assert "running phase work afresh" in log
    assert record["reason"] == "no commits beyond the base", log
    sessions = record["sessions"]
    assert isinstance(sessions, dict) and sessions["work"] != gone
