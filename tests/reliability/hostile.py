"""Shared checks for the reliability suite: hostile inputs must work safely or fail cleanly."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from helpers import AGENTS, git, make_repo, run_gitorch

HERE = Path(__file__).parent
# A safe branch: DESIGN §3's name, whatever the roadmap's title said.
# An id as gitorch keeps it (DESIGN §11): no leading dot or dash, no "..", no ".lock" end.
_ID = r"(?![.-])(?!\S*\.\.)(?![^/]*\.lock(?:/|-|$))[A-Za-z0-9._-]{1,32}(?<!\.)"
BRANCH = re.compile(rf"gitorch/{_ID}/{_ID}/[a-z0-9-]{{1,40}}")
CLAIM_REF = re.compile(rf"refs/gitorch/(claims/{_ID}/{_ID}|track/{_ID}/{_ID}/wip)")
# Titles in the corpus try to create this file through a shell.
CANARY = Path("/tmp/gitorch-pwned")
# GITORCH_STRESS=N runs N times the rounds of the tests that have rounds.
STRESS = max(1, int(os.environ.get("GITORCH_STRESS") or "1"))
# One phase is enough to see a track through, and keeps the suite fast.
AGENT_CONFIG = (f"remote: null\nagent:\n  command: [{AGENTS / 'worker.sh'}]\n  timeout: 60s\n"
                "phases:\n  - name: work\n    prompt: 'Track {track}: {track_title}'\n")
TRACEBACK = "Traceback (most recent call last)"
# What a title must not bring to a terminal: control characters, bidi overrides.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@contextmanager
def isolated_home(home: Path) -> Iterator[None]:
    """conftest's isolation (HOME, XDG dirs, git's config) for a module-wide fixture."""
    home.mkdir(parents=True, exist_ok=True)
    (home / ".gitconfig").write_text("[init]\n\tdefaultBranch = main\n[user]\n"
                                     "\tname = Ada Tester\n\temail = ada@example.com\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        patch.setenv("NO_COLOR", "1")
        for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR"):
            patch.delenv(name, raising=False)
        for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            patch.setenv(name, str(home / name.lower()))
        yield


def new_repo(tmp_path: Path, roadmap: bytes, config: str = AGENT_CONFIG) -> Path:
    """A repository at tmp_path/repo whose main commits roadmap (as given) and config."""
    repo = make_repo(tmp_path / "repo", "", {"gitorch.yaml": config,
                                             ".gitignore": "uncommitted-*\n"})
    (repo / "ROADMAP.md").write_bytes(roadmap)
    git(repo, "add", "ROADMAP.md")
    git(repo, "commit", "-q", "--allow-empty", "-m", "Add a hostile roadmap")
    return repo


def run_together(cwd: Path, *commands: tuple[str, ...]) -> list[subprocess.CompletedProcess[str]]:
    """Run several read-only gitorch commands at once (two cores make the suite faster)."""
    with ThreadPoolExecutor(len(commands)) as pool:
        return list(pool.map(lambda args: run_gitorch(cwd, *args), commands))


def assert_fails_cleanly(done: subprocess.CompletedProcess[str], message: str) -> None:
    """Exit 1, and stderr exactly `Error: <message>` on one line."""
    assert done.returncode == 1, (done.returncode, done.stderr, done.stdout)
    assert done.stderr == f"Error: {message}\n"
    assert TRACEBACK not in done.stdout


def assert_works(done: subprocess.CompletedProcess[str]) -> None:
    """Exit 0, nothing on stderr (no warning, no traceback), nothing that moves a cursor."""
    assert done.returncode == 0, (done.returncode, done.stderr, done.stdout)
    assert done.stderr == ""
    assert not UNSAFE.search(done.stdout), UNSAFE.findall(done.stdout)


@dataclass(frozen=True)
class Snapshot:
    """What gitorch may not change when it refuses to work: refs, worktrees, files, state.

    Lock files are left out: `start` may make its own before it reads the roadmap, and
    lock files are never deleted.
    """

    refs: str
    worktrees: str
    status: str
    state_files: tuple[str, ...]
    tracks_dir: bool

    @classmethod
    def of(cls, repo: Path) -> Snapshot:
        return cls(git(repo, "for-each-ref", "--format=%(objectname) %(refname)"),
                   git(repo, "worktree", "list", "--porcelain"),
                   git(repo, "status", "--porcelain", "--ignored"),
                   state_files(repo),
                   (repo.parent / f"{repo.name}.tracks").exists())


def state_files(repo: Path) -> tuple[str, ...]:
    """Files under <git-common-dir>/gitorch, other than lock files."""
    state = repo / ".git" / "gitorch"
    return tuple(sorted(str(path.relative_to(state)) for path in state.rglob("*")
                        if path.is_file() and path.parent.name != "locks"))


def status_document(repo: Path) -> dict[str, Any]:
    """`gitorch status --json`, checked to be one JSON object."""
    done = run_gitorch(repo, "status", "--json")
    assert_works(done)
    document = json.loads(done.stdout)
    assert isinstance(document, dict)
    return document


def assert_safe_track_names(repo: Path, document: dict[str, object]) -> None:
    """Every track's branch, worktree and log are where DESIGN §3 puts them."""
    tracks_dir = (repo.parent / f"{repo.name}.tracks").resolve()
    state = (repo / ".git" / "gitorch").resolve()
    tracks = document["tracks"]
    assert isinstance(tracks, list)
    for track in tracks:
        assert BRANCH.fullmatch(track["branch"]), track["branch"]
        worktree = Path(track["worktree"])
        assert worktree.is_absolute() and worktree.resolve().parent == tracks_dir, worktree
        assert Path(track["log"]).resolve().parent == state / "logs"


def assert_safe_git_names(repo: Path) -> None:
    """Every ref gitorch made and every worktree git knows of has a safe name and place."""
    tracks_dir = (repo.parent / f"{repo.name}.tracks").resolve()
    for ref in git(repo, "for-each-ref", "--format=%(refname)").split():
        if ref.startswith("refs/heads/") and ref != "refs/heads/main":
            assert BRANCH.fullmatch(ref.removeprefix("refs/heads/")), ref
        elif ref != "refs/heads/main":
            assert CLAIM_REF.fullmatch(ref), ref
        subprocess.run(["git", "check-ref-format", ref], check=True)  # git takes it as a ref
    for line in git(repo, "worktree", "list", "--porcelain").splitlines():
        if line.startswith("worktree ") and Path(line[9:]) != repo:
            assert Path(line[9:]).resolve().parent == tracks_dir, line
