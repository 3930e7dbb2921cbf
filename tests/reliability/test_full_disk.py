"""A full disk: every command says so in one line naming the disk, and loses nothing.

The disk is a small tmpfs mounted on a folder of tmp_path (the tests run as root), filled
with a real file; without mount rights, a file-size limit (RLIMIT_FSIZE) stands in for it.
"""

from __future__ import annotations

import errno
import json
import os
import resource
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import AGENTS, git, gitorch_exe, run_gitorch, scripted_repo, wait_ended
from hostile import TRACEBACK, new_repo

from gitorch.errors import write_crash_report

ROADMAP = b"# Roadmap\n\n## Group A: Disk\n\n### Track 1: Part one\nBuild it.\n"
CONFIG = (f"remote: null\nagent:\n  command: [{AGENTS / 'worker.sh'}]\n  timeout: 60s\n"
          "phases:\n  - name: work\n    prompt: 'Work on {track}'\n"
          "  - name: review\n    prompt: 'Review {track}'\n")
# Two tracks that write the same line: the second one is left out as a conflict.
CONFLICTING = ("# Plan\n\n## Group A: Work\n\n### Track 1: Track number 1\nput same.txt one\n\n"
               "### Track 2: Track number 2\nput same.txt two\n")


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    """A 16 MB tmpfs of its own, unmounted afterwards."""
    folder = tmp_path / "disk"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(folder)],
                             capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip()}); "
                    "test_land_past_a_file_size_limit stands in for these")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(disk: Path) -> Path:
    """Write a file until the disk refuses more; the file, to delete for room again."""
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as out:
        try:
            while True:
                out.write(b"\0" * 65536)
        except OSError as error:
            assert error.errno == errno.ENOSPC
    return filler


def says_disk_full(done: subprocess.CompletedProcess[str], disk: Path, doer: str) -> None:
    """Exit 1 with one line that names the disk and what could not write; no traceback."""
    assert done.returncode == 1, (done.returncode, done.stderr, done.stdout)
    assert TRACEBACK not in done.stdout + done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"Error: the disk at {disk} is full (No space left on device): "
                               f"{doer} could not write "), lines[0]


def no_crash_reports(repo: Path) -> None:
    assert not list((repo / ".git" / "gitorch").glob("crash-*.log"))


def done_track(root: Path) -> Path:
    repo = new_repo(root, ROADMAP, CONFIG)
    run_gitorch(repo, "start", "--wait", check=True)
    return repo


def test_land_on_a_full_disk(disk: Path) -> None:
    repo = done_track(disk)
    main = git(repo, "rev-parse", "main")
    filler = fill(disk)
    says_disk_full(run_gitorch(repo, "land"), disk, "gitorch land")
    no_crash_reports(repo)
    assert git(repo, "rev-parse", "main") == main
    filler.unlink()
    landed = run_gitorch(repo, "land", check=True)
    assert "A/1 landed" in landed.stdout


def test_commands_on_a_full_disk(disk: Path) -> None:
    """Readers still read; writers say which disk is full (a git child's refusal too)."""
    repo = done_track(disk)
    (repo / "ROADMAP.md").write_bytes(ROADMAP + b"\n### Track 2: Part two\nMore.\n")
    git(repo, "commit", "-q", "-am", "Add a track")
    fill(disk)
    for args in (("status",), ("status", "--json"), ("report",), ("stop", "--all")):
        done = run_gitorch(repo, *args)
        assert done.returncode == 0 and done.stderr == "", (args, done.stderr)
    says_disk_full(run_gitorch(repo, "start"), disk, "gitorch start's `git commit-tree`")
    says_disk_full(run_gitorch(repo, "run", "--every", "1s"), disk, "gitorch run")
    no_crash_reports(repo)


def test_a_status_on_a_full_disk_parses_what_it_cannot_keep(disk: Path) -> None:
    """The parsed config and roadmap, the footprints and the compiled code status keeps
    are only a speed-up."""
    repo = done_track(disk)
    body = "Change gitorch.yaml. " + "Long notes. " * 40_000  # larger than the room left
    (repo / "ROADMAP.md").write_bytes(ROADMAP + f"\n### Track 2: Part two\n{body}\n".encode())
    with open(repo / "gitorch.yaml", "a") as config:
        config.write("# " + "a long note " * 20_000 + "\n")
    git(repo, "commit", "-q", "-am", "Add a long track")
    (repo / ".git" / "gitorch" / "compiled-dataclasses.marshal").unlink(missing_ok=True)
    fill(disk)
    done = run_gitorch(repo, "status", "--json", env={"XDG_CACHE_HOME": str(disk / "cache")})
    assert done.returncode == 0 and done.stderr == "", done.stderr
    document = json.loads(done.stdout)
    assert document["error"] is None and [t["id"] for t in document["tracks"]] == ["A/1", "A/2"]
    no_crash_reports(repo)


def test_a_runner_ends_its_track_when_the_disk_fills(disk: Path, tmp_path: Path) -> None:
    """Its worktree fills; its record, kept on another disk, says why the track failed."""
    repo = new_repo(disk, ROADMAP, CONFIG)
    records = tmp_path / "records"
    records.mkdir()
    (repo / ".git" / "gitorch").mkdir()
    (repo / ".git" / "gitorch" / "tracks").symlink_to(records)
    run_gitorch(repo, "start", check=True, env={"AGENT_SLEEP": "2", "AGENT_SLOW_PHASE": "work"})
    worktree = disk / "repo.tracks" / "group_A_track_1"
    scratch = worktree / "uncommitted-work.txt"
    deadline = time.monotonic() + 30
    while not scratch.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    filler = fill(disk)
    record = wait_ended(repo, "A/1")
    assert record["state"] == "failed"
    assert str(record["reason"]).startswith(f"the disk at {disk} is full"), record["reason"]
    assert scratch.read_text() == "scratch\n"
    # The agent's commit may wait in the track's object folder; with room again, the
    # resumed runner adds it to the store before anything else.
    first = git(repo, "rev-parse", "refs/heads/gitorch/A/1/part-one").strip()
    filler.unlink()
    run_gitorch(repo, "start", "-t", "A/1", "--wait", check=True)
    git(repo, "merge-base", "--is-ancestor", first, "gitorch/A/1/part-one")
    assert git(repo, "log", "-1", "--format=%s", first).strip() == "Work on A/1"
    assert TRACEBACK not in (repo / ".git" / "gitorch" / "logs" / "group_A_track_1.log"
                             ).read_text()


def test_run_ends_soon_when_the_disk_fills(disk: Path) -> None:
    """Not when --for runs out: it starts nothing more and exits 1 once its runner ended."""
    repo = new_repo(disk, ROADMAP, CONFIG)
    began = time.monotonic()
    run = subprocess.Popen([gitorch_exe(), "run", "--every", "1s", "--for", "10m"], cwd=repo,
                           text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env={**os.environ, "AGENT_SLEEP": "2",
                                "AGENT_SLOW_PHASE": "work"})
    scratch = disk / "repo.tracks" / "group_A_track_1" / "uncommitted-work.txt"
    while not scratch.exists() and time.monotonic() < began + 30:
        time.sleep(0.05)
    fill(disk)
    filled = time.monotonic()
    try:
        stdout, stderr = run.communicate(timeout=90)
    finally:
        run.kill()
    done = subprocess.CompletedProcess(run.args, run.returncode, stdout, stderr)
    says_disk_full(done, disk, "gitorch run")
    assert time.monotonic() - filled < 75, "run waited past its minute for its runners"
    assert scratch.read_text() == "scratch\n"
    no_crash_reports(repo)


def _no_bigger_files() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


def test_land_past_a_file_size_limit(tmp_path: Path) -> None:
    """Where no tmpfs can be mounted, a file-size limit refuses the writes instead."""
    repo = done_track(tmp_path)
    done = subprocess.run([gitorch_exe(), "land"], cwd=repo, capture_output=True, text=True,
                          preexec_fn=_no_bigger_files, check=False)
    assert done.returncode == 1 and TRACEBACK not in done.stderr, done.stderr
    assert done.stderr.startswith("Error: a file-size limit stops writes on "), done.stderr
    assert "(File too large): gitorch land could not write " in done.stderr
    assert len(done.stderr.splitlines()) == 1
    assert json.loads((repo / ".git" / "gitorch" / "tracks" / "group_A_track_1.json"
                       ).read_text())["state"] == "done"


def test_a_repair_ends_cleanly_when_the_disk_fills(disk: Path, tmp_path: Path) -> None:
    """A resolve whose disk fills: left out again, with why; its branch as it was."""
    repo = scripted_repo(disk, CONFLICTING, files={"same.txt": "base\n"})
    run_gitorch(repo, "start", "--wait", check=True)
    assert "✗ A/2 conflicts in same.txt" in run_gitorch(repo, "land").stdout
    branch = git(repo, "rev-parse", "gitorch/A/2/track-number-2")
    tracks = repo / ".git" / "gitorch" / "tracks"
    records = tmp_path / "records"
    shutil.move(tracks, records)  # another disk
    tracks.symlink_to(records)
    run_gitorch(repo, "repair", "A/2", check=True, env={"AGENT_RESOLVE_SLEEP": "2"})
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not json.loads(
            (records / "group_A_track_2.json").read_text()).get("agent_pgid"):
        time.sleep(0.05)
    fill(disk)
    record = wait_ended(repo, "A/2")
    assert record["state"] == "conflict"
    assert f"the disk at {disk} is full" in str(record["reason"]), record["reason"]
    assert git(repo, "rev-parse", "gitorch/A/2/track-number-2") == branch


def test_no_empty_crash_report_on_a_full_disk(disk: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A crash report is written whole or not at all; the CLI then says it could not be."""
    repo = new_repo(disk, ROADMAP, CONFIG)
    (repo / ".git" / "gitorch").mkdir()
    fill(disk)
    monkeypatch.chdir(repo)
    failed = write_crash_report(ValueError("a bug"))
    assert not isinstance(failed, Path)
    assert str(failed).startswith(f"the disk at {disk} is full")
    no_crash_reports(repo)
    assert not list((repo / ".git" / "gitorch").iterdir()), "a temporary file was left"
