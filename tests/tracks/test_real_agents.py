"""Opt-in (GITORCH_REAL_AGENTS=1): the real agent CLIs, on PATH, against a loopback fake API."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from fake_api import fake_api
from helpers import make_repo, read_json_file, run_gitorch

from gitorch.agents.usage import Usage

ROADMAP = "# Roadmap\n\n## Group A: Real\n\n### Track 1: Alpha\nSay done.\n"


def real(preset: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        os.environ.get("GITORCH_REAL_AGENTS") != "1" or shutil.which(preset) is None,
        reason=f"set GITORCH_REAL_AGENTS=1 and put a real {preset} on PATH")


def claude_env(tmp_path: Path, url: str) -> dict[str, str]:
    return {"ANTHROPIC_BASE_URL": url, "ANTHROPIC_API_KEY": "sk-mock", "IS_SANDBOX": "1"}


def opencode_env(tmp_path: Path, url: str) -> dict[str, str]:
    """An OpenAI-compatible provider of its own, as opencode.json declares one."""
    config = tmp_path / "opencode.json"
    config.write_text(json.dumps({
        "provider": {"mock": {"npm": "@ai-sdk/openai-compatible", "name": "Mock",
                              "options": {"baseURL": f"{url}/v1", "apiKey": "sk-mock"},
                              "models": {"gpt-mock": {"name": "gpt-mock"}}}},
        "model": "mock/gpt-mock", "small_model": "mock/gpt-mock"}))
    return {"OPENCODE_CONFIG": str(config)}


def qwen_env(tmp_path: Path, url: str) -> dict[str, str]:
    return {"OPENAI_API_KEY": "sk-mock", "OPENAI_BASE_URL": f"{url}/v1",
            "OPENAI_MODEL": "gpt-mock"}


def copilot_env(tmp_path: Path, url: str) -> dict[str, str]:
    """A model provider of its own (BYOK), offline: no GitHub login is needed."""
    return {"COPILOT_OFFLINE": "true", "COPILOT_PROVIDER_BASE_URL": f"{url}/v1",
            "COPILOT_PROVIDER_API_KEY": "sk-mock", "COPILOT_MODEL": "gpt-mock"}


ENVS = {"claude": claude_env, "opencode": opencode_env, "qwen": qwen_env,
        "copilot": copilot_env}
# What each spent on "Done (mock).": 1234 input tokens (200 cached), 56 output a call;
# qwen makes two calls.
SPENT = {"claude": Usage(1534, 56, 200), "opencode": Usage(1234, 56, 200, 0.0),
         "qwen": Usage(2468, 112, 400), "copilot": Usage(1234, 56, 200)}
# qwen retries a 429 for minutes, silently: the idle watchdog ends it, not its words.
SLOW_429 = ("qwen",)


def run_real(tmp_path: Path, preset: str, status: int) -> tuple[dict[str, object], str]:
    config = f"remote: null\nagent:\n  preset: {preset}\n  timeout: 3m\nphases: [{{name: work}}]\n"
    repo = make_repo(tmp_path / "repo", ROADMAP, {"gitorch.yaml": config})
    with fake_api(status) as url:
        run_gitorch(repo, "start", "--wait", timeout=240, env=ENVS[preset](tmp_path, url))
    state = repo / ".git" / "gitorch"
    return (read_json_file(state / "tracks" / "group_A_track_1.json"),
            (state / "logs" / "group_A_track_1.log").read_text())


@pytest.mark.parametrize("preset", [pytest.param(p, marks=real(p)) for p in ENVS])
def test_real_agent_reports_its_usage_in_readable_lines(tmp_path: Path, preset: str) -> None:
    record, log = run_real(tmp_path, preset, 200)
    # The fake API edits nothing, so the track has no commits; the phase itself worked.
    assert record["reason"] == "no commits beyond the base", log
    usage = record["usage"]
    assert isinstance(usage, dict)
    spent = Usage.from_json(usage["work"])
    expected = SPENT[preset]
    assert (spent.input_tokens, spent.output_tokens, spent.cached_tokens) == (
        expected.input_tokens, expected.output_tokens, expected.cached_tokens)
    if preset == "claude":
        assert spent.cost_usd is not None and spent.cost_usd > 0
    assert "Done (mock)." in log and '{"type"' not in log


@pytest.mark.parametrize("preset", [pytest.param(p, marks=real(p)) for p in ENVS
                                    if p not in SLOW_429])
def test_real_agent_at_a_rate_limit_leaves_the_track_rate_limited(
        tmp_path: Path, preset: str) -> None:
    record, log = run_real(tmp_path, preset, 429)
    assert record["state"] == "rate-limited", (record["reason"], log)
    assert record["attempts"] == 1


@pytest.mark.parametrize("preset", [pytest.param(p, marks=real(p)) for p in ENVS
                                    if p != "claude"])  # claude retries a 401 for minutes
def test_real_agent_with_a_wrong_key_fails_as_not_logged_in(tmp_path: Path, preset: str) -> None:
    record, log = run_real(tmp_path, preset, 401)
    assert record["state"] == "failed" and record["failure"] == "auth", (record["reason"], log)
