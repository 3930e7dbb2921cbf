"""Opt-in (GITORCH_REAL_AGENTS=1): the real agent CLIs, on PATH, against a loopback fake API."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest
from fake_api import Act, Served, fake_api
from helpers import GIT_IDENTITY, git, make_repo, read_json_file, run_gitorch

from gitorch.agents.presets import PRESETS
from gitorch.agents.usage import Usage
from gitorch.config.loader import user_config_path

ROADMAP = "# Roadmap\n\n## Group A: Real\n\n### Track 1: Alpha\nSay done.\n"


def real(preset: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        os.environ.get("GITORCH_REAL_AGENTS") != "1" or shutil.which(preset) is None,
        reason=f"set GITORCH_REAL_AGENTS=1 and put a real {preset} on PATH")


def claude_env(tmp_path: Path, url: str) -> dict[str, str]:
    return {"ANTHROPIC_BASE_URL": url, "ANTHROPIC_API_KEY": "sk-mock", "IS_SANDBOX": "1"}


def codex_env(tmp_path: Path, url: str) -> dict[str, str]:
    """codex reads its API's address only from its config; a model it does not know gets
    its plain shell tool (a known one gets a JavaScript one that calls it)."""
    config = Path.home() / ".codex" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'openai_base_url = "{url}/v1"\nmodel = "gpt-mock"\n')
    return {"OPENAI_API_KEY": "sk-mock"}


def gemini_env(tmp_path: Path, url: str) -> dict[str, str]:
    """The key's auth chosen in settings: the base URL alone selects one -p refuses."""
    settings = Path.home() / ".gemini" / "settings.json"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text(json.dumps({"security": {"auth": {"selectedType": "gemini-api-key"}}}))
    return {"GEMINI_API_KEY": "sk-mock", "GOOGLE_GEMINI_BASE_URL": url}


def aider_env(tmp_path: Path, url: str) -> dict[str, str]:
    """aider then picks gpt-4o, whose default edit format is SEARCH/REPLACE."""
    return {"OPENAI_API_KEY": "sk-mock", "OPENAI_API_BASE": f"{url}/v1"}


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


ENVS = {"claude": claude_env, "codex": codex_env, "gemini": gemini_env, "aider": aider_env,
        "opencode": opencode_env, "qwen": qwen_env, "copilot": copilot_env}
# What each counts for one model call of the fake API's: 1234 input tokens (200 cached), 56
# output; claude adds the cached and cache-creation tokens to its input. Some make side
# calls the real API bills as well (claude and opencode title the session, qwen makes two
# calls); claude and qwen count them in the usage they report.
SPENT = {"claude": Usage(1534, 56, 200), "opencode": Usage(1234, 56, 200, 0.0),
         "qwen": Usage(1234, 56, 200), "copilot": Usage(1234, 56, 200)}
# The system prompt of a side call a CLI leaves out of its usage: gitorch never sees it.
UNREPORTED = {"opencode": "You are a title generator"}
# qwen retries a 429 for minutes, silently: the idle watchdog ends it, not its words.
SLOW_429 = ("qwen",)


def run_real(tmp_path: Path, preset: str, status: int,
             served: list[Served] | None = None) -> tuple[dict[str, object], str]:
    config = f"remote: null\nagent:\n  preset: {preset}\n  timeout: 3m\nphases: [{{name: work}}]\n"
    repo = make_repo(tmp_path / "repo", ROADMAP, {"gitorch.yaml": config})
    with fake_api(status, served=served) as url:
        run_gitorch(repo, "start", "--wait", timeout=240, env=ENVS[preset](tmp_path, url))
    state = repo / ".git" / "gitorch"
    return (read_json_file(state / "tracks" / "group_A_track_1.json"),
            (state / "logs" / "group_A_track_1.log").read_text())


@pytest.mark.parametrize("preset", [pytest.param(p, marks=real(p)) for p in SPENT])
def test_real_agent_reports_its_usage_in_readable_lines(tmp_path: Path, preset: str) -> None:
    served: list[Served] = []
    record, log = run_real(tmp_path, preset, 200, served)
    # The fake API edits nothing, so the track has no commits; the phase itself worked.
    assert record["reason"] == "no commits beyond the base", log
    usage = record["usage"]
    assert isinstance(usage, dict)
    spent = Usage.from_json(usage["work"])
    # Every call the CLI reports is counted: its answer and the side calls it reports.
    unreported = UNREPORTED.get(preset)
    calls = sum(1 for call in served
                if unreported is None or unreported not in call.conversation.system)
    each = SPENT[preset]
    assert calls >= 1
    assert (spent.input_tokens, spent.output_tokens, spent.cached_tokens) == (
        calls * each.input_tokens, calls * each.output_tokens, calls * each.cached_tokens), [
        (call.path, call.conversation.system[:80]) for call in served]
    if preset == "claude":
        assert spent.cost_usd is not None and spent.cost_usd > 0
    assert "Done (mock)." in log and '{"type"' not in log


@pytest.mark.parametrize("preset", [pytest.param(p, marks=real(p)) for p in SPENT
                                    if p not in SLOW_429])
def test_real_agent_at_a_rate_limit_leaves_the_track_rate_limited(
        tmp_path: Path, preset: str) -> None:
    record, log = run_real(tmp_path, preset, 429)
    assert record["state"] == "rate-limited", (record["reason"], log)
    assert record["attempts"] == 1


@pytest.mark.parametrize("preset", [pytest.param(p, marks=real(p)) for p in SPENT
                                    if p != "claude"])  # claude retries a 401 for minutes
def test_real_agent_with_a_wrong_key_fails_as_not_logged_in(tmp_path: Path, preset: str) -> None:
    record, log = run_real(tmp_path, preset, 401)
    assert record["state"] == "failed" and record["failure"] == "auth", (record["reason"], log)


CYCLE = """# Roadmap

## Group A: Real

### Track 1: Alpha
Write alpha.txt.

### Track 2: Beta
Write same.txt.

### Track 3: Gamma
Write same.txt too.
"""
# What each track's work phase writes; tracks 2 and 3 conflict.
WRITES = {"A/1": ("alpha.txt", "alpha\n"), "A/2": ("same.txt", "beta\n"),
          "A/3": ("same.txt", "gamma\n")}


def cycle_plan(opening: str) -> Act | None:
    """The model's first move in each phase of each track, read from its prompt."""
    found = re.search(r"Track (A/\d):", opening)
    if found is None:
        return None
    track = found.group(1)
    if "rebase stopped on conflicts" in opening:
        return Act({"same.txt": "beta\ngamma\n"})
    if "Implement this track" in opening:
        name, text = WRITES[track]
        return Act({name: text}, commit=f"{track}: write {name}")
    if "Finish the track" in opening:
        notes = f"notes-{track.replace('/', '-')}.md"
        return Act({notes: f"Notes of {track}.\n"}, commit=f"{track}: notes")
    return None  # review: nothing to fix


@pytest.mark.slow
@pytest.mark.parametrize("sandbox", ["bwrap", "off"])
@pytest.mark.parametrize("preset", [pytest.param(p, marks=real(p))
                                    for p in ("claude", "codex", "gemini", "aider")])
def test_real_agent_lands_three_tracks_and_resolves_a_conflict(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, preset: str, sandbox: str) -> None:
    # As a user has it: the identity in ~/.gitconfig only, and no folder opened to agents.
    for name in GIT_IDENTITY:
        monkeypatch.delenv(name)
    user_config_path().unlink()
    config = (f"remote: null\nmax_parallel: 3\nsandbox: {sandbox}\nagent:\n"
              f"  preset: {preset}\n  timeout: 3m\n")
    repo = make_repo(tmp_path / "repo", CYCLE, {"gitorch.yaml": config})
    run_gitorch(repo, "init", check=True)  # the post-commit hook, as a user has it
    began = time.monotonic()
    with fake_api(plan=cycle_plan) as url:
        env = ENVS[preset](tmp_path, url)
        run_gitorch(repo, "start", "--wait", timeout=400, env=env)
        state = repo / ".git" / "gitorch"
        logs = {track: (state / "logs" / f"group_A_track_{track[-1]}.log").read_text()
                for track in WRITES}
        for track in WRITES:
            record = read_json_file(state / "tracks" / f"group_A_track_{track[-1]}.json")
            assert record["state"] == "done", (record["reason"], logs[track])
            assert record["sandboxed"] is (sandbox == "bwrap")
            # The hook ran inside (gemini's git runs none; gitorch commits aider's work).
            assert ("did not report" in logs[track]) is (preset == "gemini"), logs[track]
        landed = json.loads(run_gitorch(repo, "land", "--json", env=env).stdout)
        assert landed["landed"] == ["A/1", "A/2"] and landed["conflict"] == {
            "A/3": ["same.txt"]}, landed
        repaired = run_gitorch(repo, "repair", "A/3", "--wait", timeout=300, env=env)
        assert repaired.returncode == 0, (repaired.stdout + repaired.stderr,
                                          (state / "logs" / "group_A_track_3.log").read_text())
        landed = json.loads(run_gitorch(repo, "land", "--json", env=env).stdout)
    assert landed["landed"] == ["A/3"], landed
    assert git(repo, "show", "main:same.txt") == "beta\ngamma\n"
    assert git(repo, "show", "main:alpha.txt") == "alpha\n"
    files = git(repo, "ls-tree", "-r", "--name-only", "main").split()
    assert sorted(files) == ["ROADMAP.md", "alpha.txt", "gitorch.yaml", "notes-A-1.md",
                             "notes-A-2.md", "notes-A-3.md", "same.txt"]
    authors = set(git(repo, "log", "--format=%an <%ae>", "main").splitlines())
    assert authors == {"Ada Tester <ada@example.com>"}
    print(f"{preset} sandbox {sandbox}: {time.monotonic() - began:.1f}s")


@pytest.mark.slow
@real("aider")
def test_real_aider_cannot_resolve_in_its_diff_format(tmp_path: Path) -> None:
    # aider's own default: the preset's argv, without the whole-file format for resolve.
    argv = json.dumps(PRESETS["aider"].argv)
    config = f"remote: null\nagent:\n  command: {argv}\n  timeout: 3m\nphases: [{{name: work}}]\n"
    repo = make_repo(tmp_path / "repo", CYCLE, {"gitorch.yaml": config})
    conflicted = tmp_path / "repo.tracks" / "group_A_track_3" / "same.txt"

    def plan(opening: str) -> Act | None:
        act = cycle_plan(opening)
        if act is None or "rebase stopped on conflicts" not in opening:
            return act
        # The model replaces the whole conflicted text, markers and all, as it saw it.
        return Act(act.files, was={"same.txt": conflicted.read_text()})

    with fake_api(plan=plan) as url:
        env = aider_env(tmp_path, url)
        run_gitorch(repo, "start", "--track", "A/2", "--track", "A/3", "--wait",
                    timeout=400, env=env)
        landed = json.loads(run_gitorch(repo, "land", "--json", env=env).stdout)
        assert landed["conflict"] == {"A/3": ["same.txt"]}, landed
        repaired = run_gitorch(repo, "repair", "A/3", "--wait", timeout=300, env=env)
    log = (repo / ".git" / "gitorch" / "logs" / "group_A_track_3.log").read_text()
    # Its parser took the ======= marker line for its own divider: it says it applied the
    # edit, and the markers stay.
    assert repaired.returncode != 0, log
    assert "Applied edit to same.txt" in log
    assert "resolve failed: conflict markers left in same.txt" in log


@pytest.mark.slow
@real("gemini")
def test_real_gemini_failed_commit_is_named_in_the_reason(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = "remote: null\nagent:\n  preset: gemini\n  timeout: 3m\nphases: [{name: work}]\n"
    repo = make_repo(tmp_path / "repo", CYCLE, {"gitorch.yaml": config})
    # No identity anywhere: gemini reports the failed commit as a successful tool call.
    for name in GIT_IDENTITY:
        monkeypatch.delenv(name)
    (Path.home() / ".gitconfig").write_text("[init]\n\tdefaultBranch = main\n")
    git(repo, "config", "user.useConfigOnly", "true")
    with fake_api(plan=cycle_plan) as url:
        run_gitorch(repo, "start", "--track", "A/1", "--wait", timeout=240,
                    env=gemini_env(tmp_path, url))
    record = read_json_file(repo / ".git" / "gitorch" / "tracks" / "group_A_track_1.json")
    assert record["state"] == "failed"
    assert str(record["reason"]).startswith(
        "no commits beyond the base; the agent's last failed git command was `printf"), record
    assert "fatal: no email was given" in str(record["reason"])
