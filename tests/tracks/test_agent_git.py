"""Agents whose git differs from the user's: gemini's shell, aider's files and edit format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import GIT_IDENTITY, git, run_gitorch
from test_agent_cli import fake_env, log, preset_repo, record, run_track

from gitorch.agents.outcomes import Patterns
from gitorch.agents.stream import StreamReader
from gitorch.config.settings import AgentConfig

TWO_PHASES = ("phases: [{name: work}, {name: review, agent: {command: "
              "[sh, -c, 'git add -A && git commit -qm review || true']}}]\n")


@pytest.fixture
def identity_in_gitconfig_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The identity where people keep it, in ~/.gitconfig, and not in the environment."""
    for name in GIT_IDENTITY:
        monkeypatch.delenv(name)


@pytest.mark.usefixtures("identity_in_gitconfig_only")
def test_gemini_commits_with_the_users_identity_and_its_commits_are_recorded(
        tmp_path: Path) -> None:
    repo = preset_repo(tmp_path, "gemini")
    done = run_track(repo, fake_env(tmp_path, all="ok"))
    assert done["state"] == "done", done["reason"]
    branch = str(done["branch"])
    assert git(repo, "log", "-1", "--format=%an <%ae>|%cn", branch).strip() == \
        "Ada Tester <ada@example.com>|Ada Tester"
    # gemini's git ran no hook: the runner recorded the commit for status and the wip ref.
    tip = git(repo, "rev-parse", branch).strip()
    events = (repo / ".git/gitorch/events/group_A_track_1.log").read_text()
    assert events.splitlines()[0].split("\t")[1:] == [tip, "0", "A/1: gemini work"]
    assert events.splitlines()[1] == "gemini-A-1.txt"
    assert git(repo, "rev-parse", "refs/gitorch/track/A/1/wip").strip() == tip
    assert "the post-commit hook did not report" in log(repo)
    status = json.loads(run_gitorch(repo, "status", "--json", check=True).stdout)
    assert status["tracks"][0]["last_commit"].endswith("A/1: gemini work")


@pytest.mark.usefixtures("identity_in_gitconfig_only")
def test_a_failed_commit_is_shown_and_named_in_the_reason(tmp_path: Path) -> None:
    repo = preset_repo(tmp_path, "gemini")
    (Path.home() / ".gitconfig").write_text("[init]\n\tdefaultBranch = main\n")
    git(repo, "config", "user.useConfigOnly", "true")  # no identity to be guessed
    done = run_track(repo, fake_env(tmp_path, all="ok"))
    assert done["state"] == "failed"
    assert done["reason"] == (
        "no commits beyond the base; the agent's last failed git command was "
        "`git commit -q -m 'A/1: gemini work'`: fatal: no email was given and "
        "auto-detection is disabled")
    assert "✗ git commit -q -m 'A/1: gemini work': fatal: no email was given" in log(repo)


def test_aiders_own_files_are_never_committed(tmp_path: Path) -> None:
    repo = preset_repo(tmp_path, "aider", TWO_PHASES)
    done = run_track(repo, fake_env(tmp_path, all="ok"))
    assert done["state"] == "done", done["reason"]
    branch = str(done["branch"])
    # Neither gitorch's commit nor another agent's `git add -A` took aider's files.
    assert git(repo, "log", "--format=%s", f"main..{branch}").splitlines() == [
        "A/1: work phase (aider)"]
    assert git(repo, "ls-tree", "-r", "--name-only", branch).split() == [
        "ROADMAP.md", "aider-A-1.txt", "gitorch.yaml"]
    worktree = Path(str(done["worktree"]))
    assert (worktree / ".aider.tags.cache.v4/cache.db").exists()
    assert not (worktree / ".aider.chat.history.md").exists()
    history = repo / ".git/gitorch/agents/group_A_track_1"
    assert (history / "chat.history.md").read_text() == "# aider chat of A/1 work\n"
    assert (history / "input.history").exists()
    assert git(repo, "status", "--porcelain") == ""  # the main worktree sees nothing new


def test_aider_resolves_a_conflict_in_whole_files(tmp_path: Path) -> None:
    repo = preset_repo(tmp_path, "aider")
    env = {**fake_env(tmp_path, all="ok"), "FAKE_EDIT": "same.txt"}
    run_gitorch(repo, "start", "--track", "A/1", "--track", "A/2", "--wait", env=env,
                check=True)
    landed = json.loads(run_gitorch(repo, "land", "--json", env=env).stdout)
    assert landed["conflict"] == {"A/2": ["same.txt"]}
    repaired = run_gitorch(repo, "repair", "A/2", "--wait", env=env)
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert "aider A/2 resolve ok" in (tmp_path / "runs.txt").read_text()
    assert json.loads(run_gitorch(repo, "land", "--json", env=env).stdout)["landed"] == ["A/2"]
    assert git(repo, "show", "main:same.txt") == (
        "aider was here in A/1\naider was here in A/2\n")
    assert record(repo, "A/2")["state"] == "landed"


def reader_lines(preset: str, *events: dict[str, object]) -> tuple[list[str], StreamReader]:
    reader = StreamReader(preset, Patterns(preset, AgentConfig(preset, None, 60.0)))
    shown = [text for event in events for text in reader.feed(json.dumps(event))]
    return shown, reader


def test_claude_failed_tool_results_are_logged() -> None:
    shown, reader = reader_lines(
        "claude",
        {"type": "assistant", "message": {"content": [
            {"type": "tool_use", "id": "toolu_1", "name": "Bash",
             "input": {"command": "git commit -m work"}}]}},
        {"type": "user", "message": {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "toolu_1", "is_error": True,
             "content": "Exit code 128\nAuthor identity unknown\n\n*** Please tell me who "
                        "you are.\nfatal: unable to auto-detect email address"}]}},
        {"type": "user", "message": {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "toolu_2", "content": "fine"}]}})
    assert shown[-1] == "✗ git commit -m work: fatal: unable to auto-detect email address"
    assert reader.failed_git == "`git commit -m work`: fatal: unable to auto-detect email address"


def test_codex_failed_commands_are_logged() -> None:
    shown, reader = reader_lines("codex", {"type": "item.completed", "item": {
        "type": "command_execution", "command": "bash -lc 'git push'", "exit_code": 128,
        "aggregated_output": "error: failed to push some refs\n"}})
    assert shown == ["$ bash -lc 'git push' (exit 128)",
                     "✗ bash -lc 'git push': error: failed to push some refs"]
    assert reader.failed_git is not None


def test_a_failed_tool_that_is_not_git_is_logged_but_not_named() -> None:
    shown, reader = reader_lines(
        "gemini",
        {"type": "tool_use", "tool_name": "run_shell_command", "tool_id": "t1",
         "parameters": {"command": "pytest -q"}},
        {"type": "tool_result", "tool_id": "t1", "status": "error",
         "error": {"message": "Command exited with code 1"}})
    assert shown[-1] == "✗ pytest -q: Command exited with code 1"
    assert reader.failed_git is None


def test_opencode_failed_commands_are_logged() -> None:
    # As opencode 1.18 printed it: a shell command that failed is still "completed".
    said = "Author identity unknown\n\nfatal: unable to auto-detect email address\n"
    shown, reader = reader_lines("opencode", {"type": "tool_use", "part": {
        "type": "tool", "tool": "bash", "callID": "call_1", "state": {
            "status": "completed", "input": {"command": "git commit -m mock"},
            "output": said, "metadata": {"output": said, "exit": 128}}}},
        {"type": "tool_use", "part": {"type": "tool", "tool": "edit", "state": {
            "status": "error", "input": {"filePath": "a.py"},
            "error": "oldString not found in content"}}})
    assert shown == ['→ bash {"command": "git commit -m mock"}',
                     "✗ git commit -m mock: fatal: unable to auto-detect email address",
                     '→ edit {"filePath": "a.py"}', "✗ edit: oldString not found in content"]
    assert reader.failed_git == "`git commit -m mock`: fatal: unable to auto-detect email address"


def test_qwen_failed_git_commands_are_logged_by_their_fatal_line() -> None:
    # As qwen 0.15 printed it: no error flag and no exit code on a failed shell command.
    def called(call_id: str, command: str) -> dict[str, object]:
        return {"type": "assistant", "message": {"content": [
            {"type": "tool_use", "id": call_id, "name": "run_shell_command",
             "input": {"command": command}}]}}

    def result(call_id: str, content: str) -> dict[str, object]:
        return {"type": "user", "message": {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": call_id, "is_error": False,
             "content": content}]}}

    shown, reader = reader_lines(
        "qwen", called("c1", "git commit -m mock"),
        result("c1", "Author identity unknown\n\nfatal: unable to auto-detect email address"),
        called("c2", "cat notes.txt"), result("c2", "fatal: this line is only text"),
        called("c3", "git status --short"), result("c3", " M a.py"))
    assert [text for text in shown if text.startswith("✗")] == [
        "✗ git commit -m mock: fatal: unable to auto-detect email address"]
    assert reader.failed_git == "`git commit -m mock`: fatal: unable to auto-detect email address"


def test_copilot_failed_commands_are_logged() -> None:
    # As copilot 1.0.102 printed it: a shell command that failed is a "success".
    shown, reader = reader_lines(
        "copilot",
        {"type": "assistant.message", "data": {"content": "", "toolRequests": [
            {"toolCallId": "c1", "name": "bash", "arguments": {"command": "git commit -m x"}},
            {"toolCallId": "c2", "name": "edit", "arguments": {"path": "a.py"}}]}},
        {"type": "tool.execution_complete", "data": {
            "toolCallId": "c1", "success": True, "shellExecution": {"exitCode": 128},
            "result": {"content": "fatal: unable to auto-detect email address\n"
                                  "<shellId: 0 completed with exit code 128>"}}},
        {"type": "tool.execution_complete", "data": {
            "toolCallId": "c2", "success": False, "error": {"message": "No match found"}}},
        {"type": "assistant.turn_retry", "data": {"turnId": "1", "reason": "rate_limit"}})
    assert shown == ['→ bash {"command": "git commit -m x"}', '→ edit {"path": "a.py"}',
                     "✗ git commit -m x: fatal: unable to auto-detect email address",
                     "✗ edit: No match found", "copilot: retrying the model call (rate_limit)"]
    assert reader.signals == []  # a retry is no usage limit yet
    assert reader.failed_git == "`git commit -m x`: fatal: unable to auto-detect email address"
