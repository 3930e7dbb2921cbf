"""`status --watch` in a real terminal: tmux panes of two sizes, with 4 and 12 runners."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import agent_repo, gitorch_exe, run_gitorch

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None,
                                reason="tmux is not installed (apt-get install tmux)")

SIZES = [(80, 24), (120, 45)]


def roadmap(count: int) -> str:
    tracks = "".join(
        f"### Track {n}: Track number {n} with a title far too long for any narrow "
        f"terminal column\nWork {n}.\n\n" for n in range(1, count + 1))
    return f"# Roadmap\n\n## Group W: Watched from a terminal of a given size\n\n{tracks}"


@pytest.fixture
def running(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Path, list[str]]]:
    """A repository whose tracks all have a live runner, its agent asleep in review."""
    count = request.param
    repo = agent_repo(tmp_path / "repo", roadmap(count),
                      extra_config=f"max_parallel: {count}\n")
    env = {"AGENT_SLEEP": "120", "AGENT_SLOW_PHASE": "review"}
    run_gitorch(repo, "start", env=env, check=True)
    try:
        ids = wait_running(repo, count)
        yield repo, ids
    finally:
        run_gitorch(repo, "stop", "--all")


def wait_running(repo: Path, count: int) -> list[str]:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        document = json.loads(run_gitorch(repo, "status", "--json", "--no-fetch",
                                          check=True).stdout)
        ids = [t["id"] for t in document["tracks"]
               if t["state"] == "running" and t["alive"] and t["phase"] == "review"]
        if len(ids) == count:
            return ids
        time.sleep(0.3)
    raise AssertionError(f"{count} tracks did not all reach review")


class Pane:
    """One tmux server of the test's own, with one pane of a fixed size."""

    def __init__(self, socket: Path, cwd: Path, width: int, height: int) -> None:
        self.socket = socket
        self.tmux("new-session", "-d", "-x", str(width), "-y", str(height), "-c", str(cwd),
                  "sh")
        self.tmux("set-option", "-g", "history-limit", "5000")

    def tmux(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-S", str(self.socket), *args], capture_output=True,
                              text=True, check=False, timeout=30)
        assert done.returncode == 0, f"tmux {' '.join(args)}: {done.stderr}"
        return done.stdout

    def type(self, text: str) -> None:
        self.tmux("send-keys", text, "Enter")

    def screen(self, joined: bool = False) -> list[str]:
        return self.tmux("capture-pane", "-p", *(["-J"] if joined else [])).splitlines()

    def history(self) -> int:
        return int(self.tmux("display-message", "-p", "#{history_size}"))

    def close(self) -> None:
        subprocess.run(["tmux", "-S", str(self.socket), "kill-server"], capture_output=True,
                       check=False, timeout=30)


def wait_for(pane: Pane, predicate: str, timeout: float = 30) -> list[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        screen = pane.screen()
        if any(predicate in line for line in screen):
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{predicate!r} never showed: {pane.screen()}")


def watch_in(tmp_path: Path, repo: Path, ids: list[str], width: int, height: int) -> None:
    pane = Pane(tmp_path / f"tmux-{width}x{height}", repo, width, height)
    try:
        pane.type("clear")
        time.sleep(0.3)
        before = pane.history()
        pane.type(f"{gitorch_exe()} status --watch -n 0.3 --no-fetch")
        wait_for(pane, "TRACK")
        time.sleep(1.5)  # several redraws
        screen = pane.screen()
        assert screen[0].startswith("gitorch ") and screen[0].rstrip()[-8:].count(":") == 2
        shown = {line.split()[0] for line in screen if line.strip()}
        assert set(ids) <= shown, f"missing tracks: {sorted(set(ids) - shown)}\n{screen}"
        assert len(screen) <= height
        # A wrapped line joins back into one longer than the pane; none may.
        joined = pane.screen(joined=True)
        assert all(len(line) <= width for line in joined)
        assert len(joined) == len(screen) == height  # the redraw may have moved the clock
        assert pane.history() == before
        if (width, height) == SIZES[-1]:
            resized_to_a_small_window(pane, ids)
        pane.tmux("send-keys", "C-c")
        pane.type("echo watch-ended")
        wait_for(pane, "watch-ended")
        # The frames went with the alternate screen: none on the screen or in the scrollback.
        everything = pane.tmux("capture-pane", "-p", "-S", "-").splitlines()
        assert not any("TRACK" in line or "Groups " in line for line in everything)
    finally:
        pane.close()


def resized_to_a_small_window(pane: Pane, ids: list[str]) -> None:
    """Shrunk, the view redraws to the new size; tracks that do not fit become a count."""
    pane.tmux("resize-window", "-x", "60", "-y", "10")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        screen = pane.screen(joined=True)
        if len(screen) == 10 and all(len(line) <= 60 for line in screen) and (
                screen[-1].startswith("+") or len(ids) <= 5):
            break
        time.sleep(0.2)
    assert screen[0].startswith("gitorch ") and len(screen) == 10
    assert all(len(line) <= 60 for line in screen), screen
    rows = [line for line in screen if line.split()[:1] and line.split()[0] in ids]
    if len(ids) > 5:
        assert screen[-1] == f"+{len(ids) - len(rows)} more tracks", screen
    else:
        assert len(rows) == len(ids), screen


@pytest.mark.parametrize("running", [4, 12], indirect=True)
def test_watch_fits_small_and_large_terminals(tmp_path: Path,
                                              running: tuple[Path, list[str]]) -> None:
    repo, ids = running
    for width, height in SIZES:
        watch_in(tmp_path, repo, ids, width, height)
