"""Steering a track (DESIGN §15): attach on a terminal, send a message; fake CLIs that
record how they were called and keep a session store (tests/agents/fake_cli.py)."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import time
from pathlib import Path

from helpers import (
    AGENTS,
    git,
    gitorch_exe,
    make_repo,
    run_gitorch,
    scripted_repo,
    wait_ended,
    wait_messages_done,
)
from test_agent_cli import ROADMAP, log, preset_repo, record
from test_sessions import calls, halted_track, session_env, wait_for

from gitorch.steer.messages import PROMPT


def on_terminal(repo: Path, env: dict[str, str], *args: str, typed: bytes,
                after: bytes) -> tuple[int, str]:
    """Run gitorch on a pseudo-terminal; type typed once after shows; all it printed."""
    main, child = pty.openpty()
    process = subprocess.Popen([gitorch_exe(), *args], cwd=repo, stdin=child, stdout=child,
                               stderr=child, env={**os.environ, **env}, start_new_session=True)
    os.close(child)
    shown, sent = b"", False
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([main], [], [], 0.1)
        if ready:
            try:
                data = os.read(main, 4096)
            except OSError:  # the terminal's other end closed: everything is read
                break
            if not data:
                break
            shown += data
        if not sent and after in shown:
            os.write(main, typed)
            sent = True
    os.close(main)
    return process.wait(timeout=30), shown.decode(errors="replace")


def test_attach_opens_the_cli_in_the_session_then_start_carries_on(tmp_path: Path) -> None:
    repo, env = halted_track(tmp_path, "claude")
    code, shown = on_terminal(repo, env, "attach", "A/1", typed=b"use the registry\n",
                              after=b"claude interactive")
    assert code == 0, shown
    first, attached = calls(tmp_path)
    worktree = str(record(repo)["worktree"])
    # The person's CLI: interactive, in the worktree, on the terminal, in the session.
    assert attached["args"] == ["--resume", first["session"]]
    assert (attached["cwd"], attached["tty"]) == (worktree, True)
    assert "claude heard: use the registry" in shown
    assert "Stopped the runner of A/1" in shown
    after = record(repo)
    assert (after["state"], after["failed_phase"], after["pid"]) == ("stopped", "work", None)
    assert "gitorch start --track A/1 carries on" in str(after["reason"])
    run_gitorch(repo, "start", "--track", "A/1", "--wait", env={**env, "FAKE_MODE": "ok"},
                check=True)
    carried = calls(tmp_path)[-1]
    assert carried["resumed"] and carried["session"] == first["session"]
    assert record(repo)["state"] == "done", log(repo)


def test_attach_to_a_command_of_ones_own_opens_a_shell_in_the_worktree(tmp_path: Path) -> None:
    config = f"remote: null\nagent:\n  command: [{AGENTS / 'worker.sh'}]\n  timeout: 60s\n"
    repo = make_repo(tmp_path / "repo", ROADMAP, {"gitorch.yaml": config})
    run_gitorch(repo, "start", "--track", "A/1", "--wait", check=True)
    assert record(repo)["state"] == "done"
    code, shown = on_terminal(repo, {"SHELL": "/bin/sh", "PS1": "$ "}, "attach", "A/1",
                              typed=b"pwd > here.txt; exit 3\n", after=b"carries on")
    assert code == 3, shown
    worktree = Path(str(record(repo)["worktree"]))
    assert (worktree / "here.txt").read_text().strip() == str(worktree)
    assert record(repo)["state"] == "stopped"


def test_attach_to_a_track_never_started_says_how_to_start_it(tmp_path: Path) -> None:
    repo = preset_repo(tmp_path, "claude")
    done = run_gitorch(repo, "attach", "A/2")
    assert (done.returncode, done.stderr) == (
        1, "Error: track A/2 has never been started; gitorch start --track A/2\n")


def test_send_to_a_running_track_runs_after_its_phase_in_its_session(tmp_path: Path) -> None:
    repo = preset_repo(tmp_path, "claude", "phases: [{name: work}, {name: review}]\n")
    env = session_env(tmp_path, all="halt")
    run_gitorch(repo, "start", "--track", "A/1", env=env, check=True)
    wait_for(tmp_path / "halted")
    said = run_gitorch(repo, "send", "A/1", "Add a test too", env=env, check=True).stdout
    assert said.startswith("Queued for A/1 (1 waiting): its agent gets it after phase work")
    (tmp_path / "go").touch()  # the work phase ends
    ended = wait_ended(repo, "A/1")
    ran = calls(tmp_path)
    assert [(c["phase"], c["resumed"]) for c in ran] == [
        ("work", False), ("message", True), ("review", False)], ran
    assert ran[1]["session"] == ran[0]["session"]
    assert PROMPT.format(track="A/1", text="Add a test too") in ran[1]["args"]  # type: ignore[operator]
    text = log(repo)
    assert text.index("Phase message of Track A/1") < text.index("Phase review")
    assert ended["state"] == "done"


def test_send_to_a_stopped_track_runs_it_alone_and_keeps_it_stopped(tmp_path: Path) -> None:
    repo, env = halted_track(tmp_path, "codex")
    run_gitorch(repo, "stop", "A/1", env=env, check=True)
    said = run_gitorch(repo, "send", "A/1", "Look at the failing test first",
                       env={**env, "FAKE_MODE": "ok"}, check=True).stdout
    assert said.startswith("Sent to A/1 (stopped): a runner (PID ")
    wait_messages_done(repo)
    first, message = calls(tmp_path)
    assert message["phase"] == "message" and message["resumed"]
    assert message["args"][3:5] == ["resume", first["session"]]  # type: ignore[index]
    after = record(repo)
    assert (after["state"], after["failed_phase"], after["resumable"]) == (
        "stopped", "work", "work")
    assert after["last_session"] == "work" and after["pid"] is None
    run_gitorch(repo, "start", "--track", "A/1", "--wait", env={**env, "FAKE_MODE": "ok"},
                check=True)
    assert calls(tmp_path)[-1]["session"] == first["session"]
    assert record(repo)["state"] == "done"


def test_send_to_a_done_track_commits_its_work_and_it_stays_done(tmp_path: Path) -> None:
    repo = preset_repo(tmp_path, "claude")
    env = session_env(tmp_path)
    run_gitorch(repo, "start", "--track", "A/1", "--wait", env=env, check=True)
    before = record(repo)
    run_gitorch(repo, "send", "A/1", "One more line, please",
                env={**env, "FAKE_EDIT": "more.txt"}, check=True)
    wait_messages_done(repo)
    work, message = calls(tmp_path)
    assert message["resumed"] and message["session"] == work["session"]
    after = record(repo)
    assert after["state"] == "done" and after["tip"] != before["tip"]
    assert after["tip"] == git(repo, "rev-parse", str(after["branch"])).strip()
    assert "message" in after["usage"]  # type: ignore[operator]
    shown = json.loads(run_gitorch(repo, "status", "--json", check=True).stdout)
    assert shown["tracks"][0]["session"] == work["session"]
    report = run_gitorch(repo, "report", check=True).stdout
    assert re.search(r"work [\d.]+m?s +message [\d.]+m?s", report), report


def test_send_to_a_landed_track_or_an_empty_message_is_refused(tmp_path: Path) -> None:
    repo = preset_repo(tmp_path, "claude")
    done = run_gitorch(repo, "send", "A/1", "  ")
    assert (done.returncode, done.stderr) == (
        1, "Error: the message is empty; gitorch send A/1 'what to do'\n")
    done = run_gitorch(repo, "send", "A/1", "hello")
    assert done.stderr == "Error: track A/1 has never been started; gitorch start --track A/1\n"


def test_a_message_sent_to_a_phase_that_then_fails_is_still_given(tmp_path: Path) -> None:
    repo, env = halted_track(tmp_path, "claude")
    said = run_gitorch(repo, "send", "A/1", "Why did it stop?", env=env, check=True).stdout
    assert said.startswith("Queued for A/1")
    agent = record(repo)["agent_pgid"]
    assert isinstance(agent, int)
    os.killpg(agent, 9)  # the phase fails: its runner ends without a next phase
    wait_ended(repo, "A/1")
    wait_messages_done(repo)
    first, message = calls(tmp_path)
    assert message["phase"] == "message" and message["session"] == first["session"]
    assert record(repo)["state"] == "failed"


def test_discard_drops_the_messages_waiting_for_the_agent(tmp_path: Path) -> None:
    repo, env = halted_track(tmp_path, "claude")
    run_gitorch(repo, "send", "A/1", "Never mind", env=env, check=True)
    queue = repo / ".git" / "gitorch" / "messages" / "group_A_track_1.json"
    assert json.loads(queue.read_text())[0]["text"] == "Never mind"
    run_gitorch(repo, "discard", "A/1", "--stop", env=env, check=True)
    assert not queue.exists()


def test_a_track_at_work_on_a_message_shows_it_and_its_session(tmp_path: Path) -> None:
    # resume off: the message begins a session of its own, which the fake CLI halts.
    repo = preset_repo(tmp_path, "claude", "  resume: false\nphases: [{name: work}]\n")
    env = session_env(tmp_path)
    run_gitorch(repo, "start", "--track", "A/1", "--wait", env=env, check=True)
    before = record(repo)
    run_gitorch(repo, "send", "A/1", "Tidy up", env={**env, "FAKE_MODE": "halt"}, check=True)
    wait_for(tmp_path / "halted")
    shown = json.loads(run_gitorch(repo, "status", "--json", check=True).stdout)["tracks"][0]
    assert (shown["state"], shown["phase"], shown["alive"]) == ("done", "message", True)
    line = next(text for text in run_gitorch(repo, "status", check=True).stdout.splitlines()
                if text.startswith("A/1 "))
    assert re.search(r" done +message \(claude\) ", line), line
    assert run_gitorch(repo, "status", "--line", check=True).stdout == "▶ A 1 running\n"
    detail = next(text for text in run_gitorch(repo, "status", "-v", check=True
                                               ).stdout.splitlines() if "A/1 " in text)
    assert re.search(rf" done +message \(claude\) +pid {shown['pid']} alive +session "
                     rf"{shown['session'][:8]} ", detail), detail
    # Land leaves it to its agent meanwhile: not its worktree taken away mid-message.
    held = run_gitorch(repo, "land", "A/1", env=env)
    assert held.returncode == 1 and "its agent is at work on a message" in held.stdout
    assert record(repo)["state"] == "done"
    (tmp_path / "go").touch()
    wait_messages_done(repo)
    after = record(repo)
    assert (after["state"], after["phase"]) == ("done", before["phase"])
    run_gitorch(repo, "land", "A/1", env=env, check=True)
    assert record(repo)["state"] == "landed"


def test_a_runner_killed_in_a_message_phase_resumes_where_it_was(tmp_path: Path) -> None:
    reviewed, go = tmp_path / "reviewed", tmp_path / "go"
    repo = scripted_repo(tmp_path, "# Plan\n\n## Group A: Steer\n\n### Track 1: One\n"
                                   f"put one.txt one\nreview-wait {reviewed}\n", remote=False)
    run_gitorch(repo, "start", "--track", "A/1", check=True)
    wait_for(Path(f"{reviewed}.waiting"))
    run_gitorch(repo, "send", "A/1", f"wait {go}", check=True)
    reviewed.touch()  # the review ends; the message phase begins, and waits for go
    deadline = time.monotonic() + 30
    while record(repo)["phase"] != "message" or not record(repo)["agent_pgid"]:
        assert time.monotonic() < deadline, log(repo)
        time.sleep(0.05)
    at_work = record(repo)
    os.kill(int(str(at_work["pid"])), 9)
    os.killpg(int(str(at_work["agent_pgid"])), 9)
    go.touch()
    run_gitorch(repo, "start", "--track", "A/1", "--wait", check=True)
    text = log(repo)
    assert "Resuming at phase review; work finished before" in text, text
    assert text.count("Phase message of Track A/1") == 2  # the message, given again
    assert record(repo)["state"] == "done"
