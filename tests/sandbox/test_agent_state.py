"""The agent CLIs' own state under ~, inside the sandbox, on their first run there."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import AGENTS, make_repo, read_json_file, run_gitorch

ROADMAP = "# Plan\n\n## Group A: State\n\n### Track 1: First run\nWrite a file.\n"
SESSIONS = {"claude": ".claude/projects", "codex": ".codex/sessions", "gemini": ".gemini/tmp"}


@pytest.mark.parametrize("preset", SESSIONS)
def test_a_first_run_inside_makes_the_agents_own_folder(tmp_path: Path, bwrap: str,
                                                        preset: str) -> None:
    # A key in the environment and no folder under ~ yet: the CLI makes it on first run,
    # which the sandbox allows only where it opened the folder up, so it must be there.
    assert not (Path.home() / SESSIONS[preset]).parent.exists()
    config = (f"remote: null\nsandbox: bwrap\nagent:\n  preset: {preset}\n  timeout: 60s\n"
              "phases: [{name: work}]\n")
    repo = make_repo(tmp_path / "repo", ROADMAP, {"gitorch.yaml": config})
    env = {"PATH": f"{AGENTS / 'bin'}{os.pathsep}{os.environ['PATH']}", "IS_SANDBOX": "1"}
    run_gitorch(repo, "start", "--wait", env=env)
    record = read_json_file(repo / ".git" / "gitorch" / "tracks" / "group_A_track_1.json")
    assert (record["state"], record["sandboxed"]) == ("done", True), record["reason"]
    assert list((Path.home() / SESSIONS[preset]).glob("session-*.jsonl"))


def test_an_agent_replaces_its_usage_file_inside(tmp_path: Path, bwrap: str) -> None:
    # copilot writes its usage file beside and renames it over: a file bound on its own
    # cannot be renamed over, and copilot then exits 1.
    config = ("remote: null\nsandbox: bwrap\nagent:\n  preset: copilot\n  timeout: 60s\n"
              "phases: [{name: work}]\n")
    repo = make_repo(tmp_path / "repo", ROADMAP, {"gitorch.yaml": config})
    env = {"PATH": f"{AGENTS / 'bin'}{os.pathsep}{os.environ['PATH']}",
           "COPILOT_GITHUB_TOKEN": "t"}
    run_gitorch(repo, "start", "--wait", env=env)
    record = read_json_file(repo / ".git" / "gitorch" / "tracks" / "group_A_track_1.json")
    assert (record["state"], record["sandboxed"]) == ("done", True), record["reason"]
    assert record["usage"] == {"work": {"input_tokens": 2468, "output_tokens": 112,
                                        "cached_tokens": 400, "cost_usd": None}}
