"""A remote that accepts connections and never answers: nothing waits on it for long."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

from helpers import git, gitorch_exe, run_gitorch, scripted_repo
from tarpit import tarpit

ROADMAP = "# Plan\n\n## Group A: Work\n\n### Track 1: One\nput one.txt 1\n"


def silent_remote(tmp_path: Path, url: str, extra_config: str = "") -> Path:
    repo = scripted_repo(tmp_path, ROADMAP, extra_config=extra_config)
    run_gitorch(repo, "status", check=True)  # fetches what it shows once the remote is silent
    git(repo, "remote", "set-url", "origin", url)
    return repo


def timed(repo: Path, *args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    began = time.monotonic()
    done = run_gitorch(repo, *args, timeout=150)
    return time.monotonic() - began, done


def test_status_shows_the_last_fetched_state_at_once_and_says_it_is_stale(
        tmp_path: Path) -> None:
    with tarpit() as url:
        repo = silent_remote(tmp_path, url, "claims:\n  remote: true\n")
        took, done = timed(repo, "status")
    assert done.returncode == 0, done.stderr
    assert took < 5, f"status took {took:.1f}s"
    stale = [line for line in done.stdout.splitlines() if "did not answer" in line]
    assert len(stale) == 1
    assert "origin did not answer within 1.5s; showing the remote's claims as last " \
        "fetched, " in stale[0] and " ago (" in stale[0]


def test_watch_draws_its_first_frame_at_once(tmp_path: Path) -> None:
    with tarpit() as url:
        repo = silent_remote(tmp_path, url)
        began = time.monotonic()
        watcher = subprocess.Popen([gitorch_exe(), "status", "--watch", "-n", "0.3"], cwd=repo,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert watcher.stdout is not None
        first = watcher.stdout.readline()
        took = time.monotonic() - began
        watcher.send_signal(signal.SIGINT)
        watcher.communicate(timeout=10)
    assert first.startswith("gitorch "), first
    assert took < 3, f"the first frame took {took:.1f}s"


def test_land_gives_up_on_the_remote_after_remote_timeout_in_one_line(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, ROADMAP, extra_config="remote_timeout: 2s\n")
    run_gitorch(repo, "start", "--wait", check=True)
    with tarpit() as url:
        git(repo, "remote", "set-url", "origin", url)
        took, done = timed(repo, "land")
    assert done.returncode == 1
    assert done.stderr == ("Error: origin did not answer within 2s (git fetch); check the "
                           "network, or raise remote_timeout\n")
    assert took < 10, f"land took {took:.1f}s"


def test_run_for_ends_in_its_time_plus_one_timeout(tmp_path: Path) -> None:
    with tarpit() as url:
        repo = silent_remote(tmp_path, url, "remote_timeout: 2s\n")
        took, done = timed(repo, "run", "--for", "3s")
    said = done.stdout + done.stderr
    assert "! land: origin did not answer within 2s (git fetch)" in said, said
    assert took < 3 + 2 + 6, f"run --for 3s took {took:.1f}s: {said}"
