"""The presets against fake CLIs that behave as the real ones did (tests/agents/fake_cli.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from helpers import AGENTS, git, make_repo, read_json_file, run_gitorch

from gitorch.agents.usage import Usage

ROADMAP = """# Roadmap

## Group A: Agents

### Track 1: Alpha
First.

### Track 2: Beta
Second.

### Track 3: Gamma
Third.
"""
ONE_PHASE = "phases: [{name: work}]\n"


def fake_env(tmp_path: Path, **modes: str) -> dict[str, str]:
    """PATH with the fake CLIs first; IS_SANDBOX so the fake claude runs as root too."""
    env = {"PATH": f"{AGENTS / 'bin'}{os.pathsep}{os.environ['PATH']}", "IS_SANDBOX": "1",
           "FAKE_RUNS": str(tmp_path / "runs.txt"),
           "FAKE_LIMIT_FILE": str(tmp_path / "limit-reset")}
    for name in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY"):
        env[name] = ""
    env.update({f"FAKE_MODE{'_' + key if key != 'all' else ''}": mode
                for key, mode in modes.items()})
    return env


def preset_repo(tmp_path: Path, preset: str, extra: str = ONE_PHASE) -> Path:
    config = f"remote: null\nagent:\n  preset: {preset}\n  timeout: 60s\n{extra}"
    return make_repo(tmp_path / "repo", ROADMAP, {"gitorch.yaml": config})


def record(repo: Path, track: str = "A/1") -> dict[str, object]:
    key = "group_{}_track_{}".format(*track.split("/"))
    return read_json_file(repo / ".git" / "gitorch" / "tracks" / f"{key}.json")


def log(repo: Path, track: str = "A/1") -> str:
    key = "group_{}_track_{}".format(*track.split("/"))
    return (repo / ".git" / "gitorch" / "logs" / f"{key}.log").read_text()


def run_track(repo: Path, env: dict[str, str], track: str = "A/1") -> dict[str, object]:
    run_gitorch(repo, "start", "--track", track, "--wait", env=env)
    return record(repo, track)


def usage_of(document: dict[str, object]) -> Usage:
    usage = document["usage"]
    assert isinstance(usage, dict)
    return sum((Usage.from_json(u) for u in usage.values()), Usage())


@pytest.mark.parametrize(("preset", "spent"), [
    # claude: modelUsage, cache reads and writes counted as input too.
    ("claude", Usage(2468 + 400 + 200, 112, 400, 0.009954)),
    ("codex", Usage(1234, 56, 200, None)),
    ("gemini", Usage(1234, 56, 200, None)),
    # aider: the four message_send events of its analytics log.
    ("aider", Usage(2544 + 2714 + 2884 + 3054, 4 * 35, 0, 0.02939)),
    # opencode: its input leaves out the cache reads; a model with no price costs 0.
    ("opencode", Usage(1034 + 200, 56, 200, 0.0)),
    # qwen: the result's usage covers the run; its input counts the cached part.
    ("qwen", Usage(2468, 112, 400, None)),
    # copilot: its usage file; its request cost is premium requests, not dollars.
    ("copilot", Usage(2468, 112, 400, None)),
])
def test_each_preset_finishes_a_track_and_reports_its_usage(
        tmp_path: Path, preset: str, spent: Usage) -> None:
    repo = preset_repo(tmp_path, preset)
    done = run_track(repo, fake_env(tmp_path, all="ok"))
    assert done["state"] == "done", done["reason"]
    assert usage_of(done) == spent
    text = log(repo)
    assert "Done (mock)." in text or "Tokens: 2.5k sent" in text
    assert '{"type"' not in text  # the JSON stream is rendered, not copied
    status = json.loads(run_gitorch(repo, "status", "--json", check=True).stdout)
    track = next(t for t in status["tracks"] if t["id"] == "A/1")
    assert track["usage"] == spent.as_json()
    assert track["agent"] == preset
    assert status["phases"] == [{"name": "work", "agent": preset}]


def test_aider_leaves_gitignore_alone_and_gitorch_commits_its_work(tmp_path: Path) -> None:
    repo = preset_repo(tmp_path, "aider")
    done = run_track(repo, fake_env(tmp_path, all="ok"))
    assert done["state"] == "done"
    branch = str(done["branch"])
    assert git(repo, "log", "-1", "--format=%s", branch).strip() == "A/1: work phase (aider)"
    assert git(repo, "ls-tree", "--name-only", branch).split() == [
        "ROADMAP.md", "aider-A-1.txt", "gitorch.yaml"]


@pytest.mark.parametrize(("preset", "mode", "said"), [
    ("claude", "nokey", "Not logged in"),
    ("codex", "401", "401 Unauthorized"),
    ("aider", "401", "litellm.AuthenticationError"),  # aider exits 0 here
    ("aider", "nokey", "browser login"),  # aider would wait 5 minutes
    ("gemini", "nokey", "Please set an Auth method"),  # and exit 41
    ("opencode", "401", "Incorrect API key"),
    ("qwen", "nokey", "No auth type is selected"),
    ("qwen", "401", "[API Error: 401"),  # qwen exits 0 here
    ("copilot", "nokey", "No authentication information found"),
    ("copilot", "401", "Authentication failed with provider"),
])
def test_not_logged_in_fails_at_once_with_how_to_log_in(
        tmp_path: Path, preset: str, mode: str, said: str) -> None:
    repo = preset_repo(tmp_path, preset)
    env = fake_env(tmp_path, all=mode)
    if preset == "codex":
        env["OPENAI_API_KEY"] = "sk-wrong"  # past the login check, refused by the API
    done = run_track(repo, env)
    assert done["state"] == "failed"
    assert done["failure"] == "auth"
    reason = str(done["reason"])
    assert reason.startswith(f"{preset} is not logged in") and said in reason, reason
    assert "set " in reason  # how to log in


@pytest.mark.parametrize(("preset", "mode"), [
    ("claude", "429"), ("codex", "limit"), ("aider", "429"), ("gemini", "429"),
    ("opencode", "429"), ("qwen", "429"),
    ("copilot", "429"),
])
def test_usage_limit_leaves_the_track_rate_limited_without_spending_a_retry(
        tmp_path: Path, preset: str, mode: str) -> None:
    repo = preset_repo(tmp_path, preset)
    done = run_track(repo, fake_env(tmp_path, all=mode))
    assert done["state"] == "rate-limited", done["reason"]
    assert done["failed_phase"] == "work"
    assert done["reset_at"] is not None and done["attempts"] == 1
    assert "usage limit" in str(done["reason"])
    status = run_gitorch(repo, "status", check=True).stdout
    assert "rate-limited" in status and "runs again after" in status
    # Until its reset, nothing else starts with that agent either.
    others = run_gitorch(repo, "start", env=fake_env(tmp_path, all="ok"), check=True).stdout
    assert f"Skipped A/2: {preset} is at its usage limit" in others
    assert "Nothing to start." in others
    # Started again (its reset aside), the same phase runs and no attempt is counted.
    again = run_track(repo, fake_env(tmp_path, all="ok"))
    assert again["state"] == "done" and again["attempts"] == 1


def test_codex_waiting_for_the_network_is_ended_as_stuck(tmp_path: Path) -> None:
    repo = preset_repo(tmp_path, "codex")
    env = fake_env(tmp_path, all="nonet")
    env["OPENAI_API_KEY"] = "sk-mock"
    done = run_track(repo, env)
    assert done["state"] == "failed" and done["failure"] == "stuck"
    assert "waiting for the network" in str(done["reason"])


def test_idle_watchdog_ends_a_silent_agent(tmp_path: Path) -> None:
    silent = tmp_path / "silent.sh"
    silent.write_text("#!/bin/sh\necho thinking\nsleep 60\n")
    silent.chmod(0o755)
    config = (f"remote: null\nagent:\n  command: [{silent}]\n  timeout: 60s\n"
              f"  idle_timeout: 1s\n{ONE_PHASE}")
    repo = make_repo(tmp_path / "repo", ROADMAP, {"gitorch.yaml": config})
    done = run_track(repo, {})
    assert done["state"] == "failed"
    assert "stuck: no output for 1s" in str(done["reason"])
    assert "thinking" in log(repo)


def test_custom_command_patterns_give_the_same_treatment(tmp_path: Path) -> None:
    wrapper = tmp_path / "wrapper.sh"
    wrapper.write_text("#!/bin/sh\necho \"$WRAPPER_SAYS\"\nexit 2\n")
    wrapper.chmod(0o755)
    config = (f"remote: null\nagent:\n  command: [{wrapper}]\n  timeout: 60s\n"
              "  rate_limit_patterns: ['quota gone, back in \\d+s']\n"
              "  auth_patterns: ['^who are you']\n" + ONE_PHASE)
    repo = make_repo(tmp_path / "repo", ROADMAP, {"gitorch.yaml": config})
    limited = run_track(repo, {"WRAPPER_SAYS": "quota gone, back in 30s"})
    assert limited["state"] == "rate-limited"
    refused = run_track(repo, {"WRAPPER_SAYS": "who are you?"}, "A/2")
    assert refused["state"] == "failed" and refused["failure"] == "auth"
    plain = run_track(repo, {"WRAPPER_SAYS": "broke"}, "A/3")
    assert plain["state"] == "failed" and plain["failure"] is None
    assert plain["reason"] == "phase work exited 2"


def test_gemini_without_skip_trust_says_why(tmp_path: Path) -> None:
    config = ("remote: null\nagent:\n  command: [gemini, --yolo, -p, '{prompt}']\n"
              + ONE_PHASE)
    repo = make_repo(tmp_path / "repo", ROADMAP, {"gitorch.yaml": config})
    done = run_track(repo, fake_env(tmp_path, all="ok"))
    assert done["state"] == "failed" and done["failure"] == "fatal"
    assert "--skip-trust" in str(done["reason"])


def test_start_refuses_at_once_when_the_agent_is_missing(tmp_path: Path) -> None:
    repo = preset_repo(tmp_path, "gemini")
    done = run_gitorch(repo, "start", env={"PATH": "/usr/bin:/bin"})
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "Error: the agent gemini is not on PATH: install it (npm install -g "
        "@google/gemini-cli), or set agent.command in gitorch.yaml (nothing started)"]
    assert not (repo / ".git" / "gitorch" / "tracks").exists() or not list(
        (repo / ".git" / "gitorch" / "tracks").iterdir())


def test_start_refuses_when_codex_is_not_logged_in(tmp_path: Path) -> None:
    repo = preset_repo(tmp_path, "codex")
    done = run_gitorch(repo, "start", env=fake_env(tmp_path, all="nokey"))
    assert done.returncode == 1
    assert "codex is not logged in (`codex login status`: Not logged in): run `codex " \
           "login`" in done.stderr
    # A key in the environment is a login that `codex login status` does not see.
    env = {**fake_env(tmp_path, all="ok"), "OPENAI_API_KEY": "sk-mock"}
    assert run_track(repo, env)["state"] == "done"


@pytest.mark.skipif(os.geteuid() != 0, reason="claude's root check needs root")
def test_start_explains_claude_as_root(tmp_path: Path) -> None:
    repo = preset_repo(tmp_path, "claude")
    done = run_gitorch(repo, "start", env={**fake_env(tmp_path), "IS_SANDBOX": ""})
    assert done.returncode == 1
    assert "claude refuses --dangerously-skip-permissions as root" in done.stderr
    assert "IS_SANDBOX=1" in done.stderr


def test_a_phase_runs_its_own_agent(tmp_path: Path) -> None:
    repo = preset_repo(tmp_path, "claude", "phases: [{name: work}, {name: review, agent: "
                                            "{preset: codex}}]\n")
    env = {**fake_env(tmp_path, all="ok"), "OPENAI_API_KEY": "sk-mock"}
    done = run_track(repo, env)
    assert done["state"] == "done"
    assert (tmp_path / "runs.txt").read_text().splitlines() == [
        "claude A/1 work ok", "codex A/1 review ok"]
    assert set(done["usage"]) == {"work", "review"}  # type: ignore[arg-type]
    status = json.loads(run_gitorch(repo, "status", "--json", check=True).stdout)
    assert status["phases"] == [{"name": "work", "agent": "claude"},
                                {"name": "review", "agent": "codex"}]
    assert "Phases: work (claude) → review (codex)" in run_gitorch(repo, "status").stdout


def test_budget_stops_a_track_that_spends_past_it(tmp_path: Path) -> None:
    repo = preset_repo(tmp_path, "claude", "  budget_usd: 0.005\n"
                                           "phases: [{name: work}, {name: review}]\n")
    done = run_track(repo, fake_env(tmp_path, all="ok"))
    assert done["state"] == "failed" and done["failure"] == "budget"
    assert done["reason"] == "spent $0.01, past agent.budget_usd $0.01"
    assert (tmp_path / "runs.txt").read_text().splitlines() == ["claude A/1 work ok"]


def test_setup_and_copy_prepare_a_new_worktree(tmp_path: Path) -> None:
    config = (f"remote: null\nagent:\n  command: [{AGENTS / 'worker.sh'}]\n"
              + ONE_PHASE + "worktree:\n"
              "  setup: [sh, -c, 'echo set up in $PWD; echo slot=$GITORCH_SLOT > slot.txt']\n"
              "  copy: ['.env', 'conf/*.local']\n")
    repo = make_repo(tmp_path / "repo", ROADMAP, {
        "gitorch.yaml": config, ".gitignore": ".env\n*.local\nslot.txt\nuncommitted-*\n"})
    (repo / ".env").write_text("SECRET=1\n")
    (repo / "conf").mkdir()
    (repo / "conf" / "db.local").write_text("db\n")
    done = run_track(repo, {})
    assert done["state"] == "done", done["reason"]
    worktree = Path(str(done["worktree"]))
    assert (worktree / ".env").read_text() == "SECRET=1\n"
    assert (worktree / "conf" / "db.local").read_text() == "db\n"
    assert (worktree / "slot.txt").read_text() == "slot=0\n"
    assert f"set up in {worktree}" in log(repo)
    assert f"worktree.copy: conf/db.local -> {worktree / 'conf' / 'db.local'}" in log(repo)


def test_failing_setup_fails_the_track_with_its_exit_code(tmp_path: Path) -> None:
    config = (f"remote: null\nagent:\n  command: [{AGENTS / 'worker.sh'}]\n" + ONE_PHASE
              + "worktree:\n  setup: [sh, -c, 'echo no uv here; exit 7']\n")
    repo = make_repo(tmp_path / "repo", ROADMAP, {"gitorch.yaml": config})
    done = run_track(repo, {})
    assert done["state"] == "failed" and done["exit_code"] == 7
    assert done["reason"] == "worktree.setup `sh -c echo no uv here; exit 7` exited 7"
    assert "no uv here" in log(repo)


def test_running_tracks_get_distinct_slots(tmp_path: Path) -> None:
    agent = tmp_path / "slot.sh"
    agent.write_text('#!/bin/sh\necho "$GITORCH_SLOT" >> "$SLOTS"\n'
                     'echo "$GITORCH_SLOT" > slot.txt && git add slot.txt && git commit -qm s\n')
    agent.chmod(0o755)
    config = f"remote: null\nmax_parallel: 3\nagent:\n  command: [{agent}]\n" + ONE_PHASE
    repo = make_repo(tmp_path / "repo", ROADMAP, {"gitorch.yaml": config})
    slots = tmp_path / "slots.txt"
    run_gitorch(repo, "start", "--wait", env={"SLOTS": str(slots)}, check=True)
    assert sorted(slots.read_text().split()) == ["0", "1", "2"]
    assert sorted(record(repo, f"A/{n}")["slot"] for n in (1, 2, 3)) == [0, 1, 2]
