"""Opt-in (GITORCH_REAL_AGENTS=1): the real claude CLI, on PATH, against a loopback fake API."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from fake_api import fake_api
from helpers import make_repo, read_json_file, run_gitorch

from gitorch.agents.usage import Usage

pytestmark = pytest.mark.skipif(
    os.environ.get("GITORCH_REAL_AGENTS") != "1" or shutil.which("claude") is None,
    reason="set GITORCH_REAL_AGENTS=1 and put a real claude on PATH")

ROADMAP = "# Roadmap\n\n## Group A: Real\n\n### Track 1: Alpha\nSay done.\n"


def run_claude(tmp_path: Path, status: int) -> tuple[dict[str, object], str]:
    config = "remote: null\nagent:\n  preset: claude\n  timeout: 2m\nphases: [{name: work}]\n"
    repo = make_repo(tmp_path / "repo", ROADMAP, {"gitorch.yaml": config})
    with fake_api(status) as url:
        run_gitorch(repo, "start", "--wait", timeout=180, env={
            "ANTHROPIC_BASE_URL": url, "ANTHROPIC_API_KEY": "sk-mock", "IS_SANDBOX": "1"})
    state = repo / ".git" / "gitorch"
    return (read_json_file(state / "tracks" / "group_A_track_1.json"),
            (state / "logs" / "group_A_track_1.log").read_text())


def test_real_claude_reports_its_usage_in_readable_lines(tmp_path: Path) -> None:
    record, log = run_claude(tmp_path, 200)
    # The fake API edits nothing, so the track has no commits; the phase itself worked.
    assert record["reason"] == "no commits beyond the base"
    usage = record["usage"]
    assert isinstance(usage, dict)
    spent = Usage.from_json(usage["work"])
    assert (spent.input_tokens, spent.output_tokens, spent.cached_tokens) == (1534, 56, 200)
    assert spent.cost_usd is not None and spent.cost_usd > 0
    assert "Done (mock)." in log and '{"type"' not in log


def test_real_claude_at_a_rate_limit_leaves_the_track_rate_limited(tmp_path: Path) -> None:
    record, _ = run_claude(tmp_path, 429)
    assert record["state"] == "rate-limited", record["reason"]
    assert record["attempts"] == 1
