"""Helpers for tests: real git, real repositories, the real console script."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SAMPLES = Path(__file__).parent / "fixtures" / "roadmaps"

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Ada Tester",
    "GIT_AUTHOR_EMAIL": "ada@example.com",
    "GIT_COMMITTER_NAME": "Ada Tester",
    "GIT_COMMITTER_EMAIL": "ada@example.com",
    "GIT_AUTHOR_DATE": "2026-01-09T12:00:00Z",
    "GIT_COMMITTER_DATE": "2026-01-09T12:00:00Z",
}


def git(cwd: Path, *args: str) -> str:
    """Run git in cwd and return its stdout; fail the test on a non-zero exit."""
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"git {' '.join(args)} failed: {done.stderr}"
    return done.stdout


def make_repo(path: Path, roadmap: str, files: dict[str, str] | None = None) -> Path:
    """Create a repository at path whose first commit holds ROADMAP.md (and any files)."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    (path / "ROADMAP.md").write_text(roadmap, encoding="utf-8")
    for name, text in (files or {}).items():
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "Initial commit")
    return path


def sample(name: str) -> str:
    """The text of a sample roadmap from tests/fixtures/roadmaps."""
    return (SAMPLES / name).read_text(encoding="utf-8")


def gitorch_exe() -> str:
    """The installed console script beside this interpreter."""
    found = Path(sys.executable).parent / "gitorch"
    assert found.exists(), "install gitorch first: pip install -e '.[test]'"
    return str(found)


def run_gitorch(cwd: Path, *args: str, check: bool | None = None,
                env: dict[str, str] | None = None,
                timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run the real `gitorch` console script in cwd; check=True asserts exit 0."""
    done = subprocess.run([gitorch_exe(), *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=timeout, check=False)
    if check:
        assert done.returncode == 0, f"gitorch {' '.join(args)}: {done.stderr}{done.stdout}"
    return done


AGENTS = Path(__file__).parent / "agents"

FOUR_TRACKS = """# Roadmap

## Group A: Four at once

### Track 1: Alpha
First.

### Track 2: Beta
Second.

### Track 3: Gamma
Third.

### Track 4: Delta
Fourth.

### Track 5: Tests
Depends on: Track 1, Track 2, Track 3, Track 4
"""


def agent_repo(path: Path, roadmap: str = FOUR_TRACKS, agent: str = "worker.sh",
               extra_config: str = "") -> Path:
    """A repository whose gitorch.yaml runs one of tests/agents/ as the agent."""
    config = (f"remote: null\nagent:\n  command: [{AGENTS / agent}]\n  timeout: 60s\n"
              + extra_config)
    return make_repo(path, roadmap, {"gitorch.yaml": config, ".gitignore": "uncommitted-*\n"})


def read_json_file(path: Path) -> dict[str, object]:
    import json

    document = json.loads(path.read_text())
    assert isinstance(document, dict)
    return document


def wait_ended(repo: Path, track: str, timeout: float = 60) -> dict[str, object]:
    """Wait until a track's runner has written its end, and return its record."""
    import time

    key = "group_{}_track_{}".format(*track.split("/"))
    record = repo / ".git" / "gitorch" / "tracks" / f"{key}.json"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if record.exists():
            document = read_json_file(record)
            if document.get("ended_at"):
                return document
        time.sleep(0.1)
    raise AssertionError(f"{track} did not end in {timeout}s")


def scripted_repo(tmp_path: Path, roadmap: str, *, remote: bool = True,
                  extra_config: str = "", files: dict[str, str] | None = None) -> Path:
    """A repository (with a bare remote `origin` if asked) whose agent is scripted.sh."""
    config = (f"remote: {'origin' if remote else 'null'}\n"
              f"agent:\n  command: [{AGENTS / 'scripted.sh'}]\n  timeout: 60s\n" + extra_config)
    repo = make_repo(tmp_path / "repo", roadmap, {"gitorch.yaml": config, **(files or {})})
    if remote:
        git(tmp_path, "init", "-q", "--bare", "-b", "main", str(tmp_path / "remote.git"))
        git(repo, "remote", "add", "origin", str(tmp_path / "remote.git"))
        git(repo, "push", "-q", "origin", "main")
    return repo


def _start_when_released(barrier: Any, repo: str, track_ids: list[str],
                         parallel: int | None, ledger: str | None) -> None:
    from gitorch.commands.start import start

    os.chdir(repo)
    barrier.wait()
    result = start(Path(repo), parallel=parallel, group=None, track_ids=track_ids,
                   dry_run=False)
    launched = "".join(f"{run.track.id}\n" for run in result.launched)
    if ledger and launched:
        fd = os.open(ledger, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        os.write(fd, launched.encode())
        os.close(fd)


def race_starts(repos: list[Path], *, track_ids: list[str] | None = None,
                parallel: int | None = None, ledger: Path | None = None) -> None:
    """Run gitorch's start once per entry of repos, each in its own process, all at once.

    The processes are forked after gitorch is imported and released together by a barrier,
    so they really race. With ledger, each appends the tracks it launched.
    """
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(repos))
    racers = [context.Process(target=_start_when_released, args=(
        barrier, str(repo), track_ids or [], parallel, str(ledger) if ledger else None))
        for repo in repos]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(timeout=120)
        assert racer.exitcode == 0


@contextmanager
def background_run(repo: Path, *args: str, env: dict[str, str] | None = None
                   ) -> Iterator[subprocess.Popen[str]]:
    """`gitorch run` in the background; killed (with its runners stopped) if left running."""
    process = subprocess.Popen([gitorch_exe(), "run", *args], cwd=repo, text=True,
                               env={**os.environ, **(env or {})}, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        run_gitorch(repo, "stop", "--all")


def land_paused_at(repo: Path, step: str, marker: Path, *args: str
                   ) -> subprocess.Popen[str]:
    """`gitorch land ARGS` started and waited for until it pauses at the failpoint step; it
    goes on once marker is deleted."""
    landing = subprocess.Popen([gitorch_exe(), "land", *args], cwd=repo, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={
                                   **os.environ, "GITORCH_FAILPOINT": step,
                                   "GITORCH_FAILPOINT_FILE": str(marker)})
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert landing.poll() is None, "land ended before reaching the step"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    return landing


def wait_delivered(repo: Path, seconds: float = 30) -> None:
    """Until every background delivery has finished (its outbox file is gone)."""
    outbox = repo / ".git/gitorch/notify"
    deadline = time.monotonic() + seconds
    while outbox.exists() and any(outbox.iterdir()):
        assert time.monotonic() < deadline, f"still undelivered: {list(outbox.iterdir())}"
        time.sleep(0.1)


def wait_messages_done(repo: Path, track: str = "A/1", seconds: float = 30) -> None:
    """Until the track's message runner has ended and its queue of messages is empty."""
    import json
    import time

    key = "group_{}_track_{}".format(*track.split("/"))
    state = repo / ".git" / "gitorch"
    queue = state / "messages" / f"{key}.json"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if (queue.exists() and json.loads(queue.read_text()) == []
                and read_json_file(state / "tracks" / f"{key}.json")["pid"] is None):
            return
        time.sleep(0.1)
    raise AssertionError("messages not done: " + (state / "logs" / f"{key}.log").read_text())
