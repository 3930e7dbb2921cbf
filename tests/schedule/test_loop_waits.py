"""What the run loop does between looks: woken by a child's end, and main read only when moved."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from helpers import FOUR_TRACKS, git, make_repo

from gitorch.project import open_project
from gitorch.schedule.mainline import MainRoadmap
from gitorch.schedule.wakeup import ChildWake


def test_a_child_ending_cuts_the_pause_short() -> None:
    with ChildWake() as wake:
        child = subprocess.Popen(["sleep", "0.2"])
        began = time.monotonic()
        wake.pause(20)
        took = time.monotonic() - began
        child.wait()
    assert took < 10
    assert signal.getsignal(signal.SIGCHLD) == signal.SIG_DFL


def test_main_is_asked_for_only_when_its_ref_files_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo(tmp_path / "repo", FOUR_TRACKS)
    project = open_project(repo)
    errors: list[str] = []
    main = MainRoadmap(project, errors.append)
    assert next(t.title for t in main.current().tracks()) == "Alpha"
    # A git that only counts: while main stays put, the loop runs none.
    shim, count = tmp_path / "shim", tmp_path / "count"
    shim.mkdir()
    (shim / "git").write_text(f"#!/bin/sh\necho x >> {count}\nexec {shutil.which('git')} \"$@\"\n")
    (shim / "git").chmod(0o755)
    monkeypatch.setenv("PATH", f"{shim}:{os.environ['PATH']}")
    for _ in range(5):
        main.current()
    assert not count.exists()
    (repo / "ROADMAP.md").write_text(FOUR_TRACKS.replace("Alpha", "Omega"))
    git(repo, "commit", "-qam", "Rename the first track")
    assert next(t.title for t in main.current().tracks()) == "Omega"
    git(repo, "pack-refs", "--all")  # main now in packed-refs: it did not move
    git(repo, "commit", "-q", "--allow-empty", "-m", "Move main once more")
    main.current()
    assert main.tip == git(repo, "rev-parse", "HEAD").strip()
    assert errors == []
