"""The runs the report tests look at, made once each: a gitorch run takes seconds."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import GIT_IDENTITY, run_gitorch, scripted_repo

from gitorch.demo.sandbox import demo_config, make_repository

TROUBLE = """# Plan

## Group A: Trouble

### Track 1: Writes the shared file
put shared.txt one

### Track 2: Always fails
fail

### Track 3: Writes the shared file too
put shared.txt three

### Track 4: Fine
put four.txt four
"""


def _isolated(folder: Path) -> pytest.MonkeyPatch:
    """The environment the autouse fixture gives a test, for a session's fixture."""
    patch = pytest.MonkeyPatch()
    home = folder / ".home"
    home.mkdir()
    patch.setenv("HOME", str(home))
    patch.delenv("XDG_CONFIG_HOME", raising=False)
    patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    patch.setenv("NO_COLOR", "1")
    for name, value in GIT_IDENTITY.items():
        patch.setenv(name, value)
    return patch


@pytest.fixture(scope="session")
def demo_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The demo's repository after a real `gitorch run` through its roadmap."""
    folder = tmp_path_factory.mktemp("demo")
    patch = _isolated(folder)
    try:
        repo = make_repository(folder, config=demo_config())
        done = run_gitorch(repo, "run", "--every", "5s", timeout=180)
    finally:
        patch.undo()
    assert done.returncode == 0, done.stdout + done.stderr
    yield repo


@pytest.fixture(scope="session")
def trouble_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A real `gitorch run`: a track failed (after a retry), one conflicting then repaired."""
    folder = tmp_path_factory.mktemp("trouble")
    patch = _isolated(folder)
    try:
        repo = scripted_repo(folder, TROUBLE, extra_config="run:\n  retries: 1\n")
        done = run_gitorch(repo, "run", "--every", "1s", timeout=120)
    finally:
        patch.undo()
    assert done.returncode == 1, done.stdout + done.stderr  # work left for a person
    yield repo
