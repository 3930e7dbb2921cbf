"""The keys for real agents: per-phase agents, patterns, budget, worktree setup."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import git

from gitorch.agents.presets import agent_for, command_template
from gitorch.config.loader import load_config
from gitorch.config.settings import DEFAULT_PHASES, ConfigError, PhaseAgent, WorktreeConfig


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    path = tmp_path / "repo"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    return path


def test_a_phase_names_its_own_agent_and_keeps_the_built_in_prompt(repo: Path) -> None:
    (repo / "gitorch.yaml").write_text(
        "agent:\n  command: [my-agent, '{prompt}']\n  idle_timeout: 5m\n"
        "phases:\n  - name: work\n  - name: review\n    agent: {preset: codex, timeout: 10m}\n")
    config = load_config(repo)
    work, review = config.phases
    assert (work.prompt, review.prompt) == (DEFAULT_PHASES[0].prompt, DEFAULT_PHASES[1].prompt)
    assert review.agent == PhaseAgent(preset="codex", timeout=600.0)
    assert command_template(agent_for(config, work)) == ("my-agent", "{prompt}")
    reviewer = agent_for(config, review)
    assert command_template(reviewer)[:2] == ("codex", "exec")
    assert (reviewer.timeout, reviewer.idle_timeout) == (600.0, 300.0)


def test_agent_and_worktree_keys_read_with_their_defaults(repo: Path) -> None:
    config = load_config(repo)
    assert (config.agent.idle_timeout, config.agent.budget_usd) == (900.0, None)
    assert config.worktree == WorktreeConfig(None, ())
    (repo / "gitorch.yaml").write_text(
        "agent:\n  budget_usd: 2.5\n  rate_limit_patterns: ['out of credit']\n"
        "worktree:\n  setup: [uv, sync]\n  copy: [.env]\n")
    config = load_config(repo)
    assert config.agent.budget_usd == 2.5
    assert config.agent.rate_limit_patterns == ("out of credit",)
    assert config.worktree == WorktreeConfig(("uv", "sync"), (".env",))


@pytest.mark.parametrize(("text", "message"), [
    ("agent:\n  auth_patterns: ['(unclosed']\n",
     "gitorch.yaml:2: agent.auth_patterns[0]: expected a regular expression: missing ), "
     "unterminated subpattern at position 0"),
    ("agent:\n  budget_usd: -1\n",
     "gitorch.yaml:2: agent.budget_usd: expected an amount in US dollars above zero, like 5 "
     "or 2.50"),
    ("worktree:\n  copy: [../secrets]\n",
     "gitorch.yaml:2: worktree.copy[0]: expected a glob inside the repository, like .env or "
     "config/*.local"),
    ("phases:\n  - name: review\n    agent: {preset: gpt}\n",
     "gitorch.yaml:3: phases[0].agent.preset: unknown preset 'gpt' (expected one of claude, "
     "codex, aider, gemini, opencode, qwen, copilot)"),
])
def test_bad_agent_keys_name_file_line_and_key(repo: Path, text: str, message: str) -> None:
    (repo / "gitorch.yaml").write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(repo)
    assert str(caught.value) == message
