"""status as the live monitor: commits seen at once, the done trailer, --watch."""

from __future__ import annotations

import json
import os
import pty
import signal
import subprocess
import time
from pathlib import Path

from helpers import agent_repo, git, gitorch_exe, run_gitorch


def track_view(repo: Path, track: str) -> dict[str, object]:
    document = json.loads(run_gitorch(repo, "status", "--json", check=True).stdout)
    return dict(next(t for t in document["tracks"] if t["id"] == track))


def test_commit_by_hand_shows_at_once_and_the_trailer_marks_done(tmp_path: Path) -> None:
    repo = agent_repo(tmp_path / "repo")
    run_gitorch(repo, "init", check=True)
    failed = run_gitorch(repo, "start", "-t", "A/1", "--wait",
                         env={"AGENT_FAIL_PHASE": "review"})
    assert failed.returncode == 1
    assert track_view(repo, "A/1")["state"] == "failed"
    worktree = tmp_path / "repo.tracks" / "group_A_track_1"
    (worktree / "fix.txt").write_text("fixed by hand\n")
    git(worktree, "add", "fix.txt")
    git(worktree, "commit", "-q", "-m", "Fix the review by hand")
    view = track_view(repo, "A/1")
    assert view["commits"] == 2
    assert str(view["last_commit"]).endswith(" Fix the review by hand")
    assert view["state"] == "failed"
    git(worktree, "commit", "-q", "--allow-empty", "-m", "Finish A/1\n\nGitorch-Done: true")
    assert track_view(repo, "A/1")["state"] == "done"
    events = (repo / ".git" / "gitorch" / "events" / "group_A_track_1.log").read_text()
    assert events.splitlines()[-1].split("\t")[2] == "1"
    result = json.loads(run_gitorch(repo, "land", "--json", check=True).stdout)
    assert result["landed"] == ["A/1"]


def test_status_lists_runner_log_tail_claims_and_main(tmp_path: Path) -> None:
    repo = agent_repo(tmp_path / "repo")
    run_gitorch(repo, "start", "-t", "A/2", "--wait", check=True)
    document = json.loads(run_gitorch(repo, "status", "--json", check=True).stdout)
    track = next(t for t in document["tracks"] if t["id"] == "A/2")
    assert track["log_tail"][-1].endswith("Track A/2 ended: done")
    assert len(track["log_tail"]) == 3 and track["log_size"] > 0
    assert [c["track"] for c in document["claims"]] == ["A/2"]
    assert document["main_worktree"] == "clean"
    assert document["recent_commits"][0]["subject"] == "Initial commit"
    assert document["agents_alive"] == 0 and document["scheduler"] is None
    text = run_gitorch(repo, "status", "-v", check=True).stdout
    assert "│" in text and "Recent commits on main" in text and "Claims" in text
    line = next(x for x in run_gitorch(repo, "status", check=True).stdout.splitlines()
                if x.startswith("A/2 "))
    assert " done " in line and line.endswith(" Work on A/2")  # its last commit


def test_watch_piped_prints_a_snapshot_each_interval_and_ctrl_c_exits_0(
        tmp_path: Path) -> None:
    repo = agent_repo(tmp_path / "repo")
    watcher = subprocess.Popen([gitorch_exe(), "status", "--watch", "-n", "0.2"], cwd=repo,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert watcher.stdout is not None
    # Ctrl-C once two snapshots are out: a fixed sleep could end it before it started.
    seen = ""
    deadline = time.monotonic() + 30
    while seen.count("▶ A Four at once") < 2 and time.monotonic() < deadline:
        seen += watcher.stdout.readline()
    watcher.send_signal(signal.SIGINT)
    out, err = watcher.communicate(timeout=10)
    out = seen + out
    assert watcher.returncode == 0, err
    assert out.count("▶ A Four at once") >= 2
    assert "\x1b[" not in out and err == ""


def test_watch_on_a_terminal_redraws_in_place(tmp_path: Path) -> None:
    repo = agent_repo(tmp_path / "repo")
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(repo)
        os.execv(gitorch_exe(), [gitorch_exe(), "status", "--watch", "-n", "0.2"])
    screen = b""
    deadline = time.monotonic() + 10
    while screen.count(b"\x1b[H") < 2 and time.monotonic() < deadline:
        screen += os.read(fd, 65536)
    os.kill(pid, signal.SIGINT)
    while not screen.endswith(b"\x1b[?1049l"):
        try:
            screen += os.read(fd, 65536)
        except OSError:
            break  # the terminal closed with the process
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert os.WEXITSTATUS(status) == 0
    assert screen.count(b"\x1b[H") >= 2 and b"\x1b[J" in screen
    assert b"\x1b[2J" not in screen  # no full clear: no flicker
    # In the alternate screen and out again, the cursor hidden meanwhile and shown at the end.
    assert screen.startswith(b"\x1b[?1049h\x1b[?25l")
    assert screen.endswith(b"\x1b[?25h\x1b[?1049l")
