"""A process that starts tracks often (gitorch run) fetches the remote's main once a while."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from helpers import FOUR_TRACKS, git, scripted_repo

from gitorch.project import open_project
from gitorch.tracks.launch import sync_upstream


def test_starts_close_together_fetch_once_and_see_the_fetched_main(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = scripted_repo(tmp_path, FOUR_TRACKS)
    project = open_project(repo)
    shim, count = tmp_path / "shim", tmp_path / "fetches"
    shim.mkdir()
    (shim / "git").write_text(f'#!/bin/sh\n[ "$1" = fetch ] && echo x >> {count}\n'
                              f'exec {shutil.which("git")} "$@"\n')
    (shim / "git").chmod(0o755)
    monkeypatch.setenv("PATH", f"{shim}:{os.environ['PATH']}")
    first = sync_upstream(project)
    second = sync_upstream(project)
    assert len(count.read_text().split()) == 1
    assert first.base == second.base == git(repo, "rev-parse", "main").strip()
