"""`gitorch status --line`: the short line for tmux and agent CLIs' status lines."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from helpers import run_gitorch, scripted_repo

ROADMAP = """# Plan

## Group A: Work

### Track 1: Sleeper
wait {go}

### Track 2: Quick
put quick.txt done

### Track 3: Broken
fail
"""


def line(cwd: Path) -> str:
    done = run_gitorch(cwd, "status", "--line", check=True)
    return done.stdout.rstrip("\n")


def record(repo: Path, track: str) -> dict[str, object]:
    key = "group_{}_track_{}".format(*track.split("/"))
    document = json.loads((repo / f".git/gitorch/tracks/{key}.json").read_text())
    assert isinstance(document, dict)
    return document


def wait_for(test: object, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not test():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_the_line_in_each_state(tmp_path: Path) -> None:
    go = tmp_path / "go"
    repo = scripted_repo(tmp_path, ROADMAP.format(go=go), remote=False)
    assert line(repo) == "✓ idle"
    run_gitorch(repo, "start", "--parallel", "3", check=True)
    ended = ("done", "failed")
    wait_for(lambda: all((repo / f".git/gitorch/tracks/group_A_track_{n}.json").exists()
                         and record(repo, f"A/{n}")["state"] in ended for n in (2, 3)))
    wait_for(lambda: record(repo, "A/1")["state"] == "running")
    assert line(repo) == "▶ A 1 running · 1 to land · 1 needs you"
    worktree = Path(str(record(repo, "A/1")["worktree"]))
    assert line(worktree / "") == line(repo)  # from a track's worktree too
    os.kill(int(str(record(repo, "A/1")["pid"])), signal.SIGKILL)  # a runner that died
    wait_for(lambda: line(repo) == "▶ A 1 to land · 2 needs you")
    go.write_text("")
    run_gitorch(repo, "land", check=True)
    assert line(repo) == "2 needs you"


def test_nothing_outside_a_repository(tmp_path: Path) -> None:
    assert line(tmp_path) == ""


def test_the_line_loads_no_cli(tmp_path: Path) -> None:
    """Nor pathlib, typing or subprocess: each costs milliseconds of a 30 ms budget."""
    repo = scripted_repo(tmp_path, ROADMAP.format(go=tmp_path / "go"), remote=False)
    probe = ("import sys; sys.argv = ['gitorch', 'status', '--line']; "
             "from gitorch.entry import main; main(); "
             "print(sorted(m for m in sys.modules if m.split('.')[0] in "
             "('click', 'yaml', 'subprocess', 'pathlib', 'typing', 'gitorch') and m not in "
             "('gitorch', 'gitorch.entry', 'gitorch.status', 'gitorch.status.line', "
             "'gitorch.liveness', 'gitorch.locate')))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=repo, capture_output=True,
                          text=True, check=True)
    assert done.stdout.splitlines() == ["✓ idle", "[]"]
