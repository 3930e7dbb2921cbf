"""git's own lock files (`packed-refs.lock`, `refs/**.lock`, `index.lock`): held or stale.

A git that is killed leaves its lock file behind, and every later ref update in the
repository then fails on it. A lock is held while it is young or while some git runs in
the repository; otherwise it is stale, and only a person removes it (gitorch never deletes
another process's lock file).
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

from gitorch.errors import GitorchError

STALE_AFTER = 10.0  # seconds: no git holds a ref or index lock this long while it runs
_LOCK_IN_MESSAGE = re.compile(r"Unable to create '([^']+\.lock)': File exists")


class RefLocked(GitorchError):
    """A ref update failed on a lock file: a stale one, or one held past every retry."""


@dataclass(frozen=True)
class Lock:
    """A lock file and how long ago it was made."""

    path: Path
    age: float


def describe(found: list[Lock]) -> str:
    """One line naming stale locks and the command that clears them."""
    names = ", ".join(f"{lock.path} ({lock.age:.0f} s old)" for lock in found)
    paths = " ".join(str(lock.path) for lock in found)
    return (f"stale git lock{'s' if len(found) > 1 else ''} {names}, left by a killed git: "
            f"check that no git runs in this repository, then `rm {paths}` and run gitorch "
            "again")


def lock_in(stderr: str) -> Path | None:
    """The lock file git names when it fails on one, or None."""
    found = _LOCK_IN_MESSAGE.search(stderr)
    return Path(found.group(1)) if found else None


def stale(lock: Path, common_dir: Path) -> Lock | None:
    """The lock if nobody can be holding it (old, and no git runs in the repository)."""
    try:
        age = time.time() - lock.stat().st_mtime
    except OSError:
        return None  # gone meanwhile: it was held
    if age < STALE_AFTER or git_running_in(common_dir):
        return None
    return Lock(lock, age)


def stale_locks(common_dir: Path, *, worktrees: bool = True) -> list[Lock]:
    """Every stale lock of the refs, packed-refs and index files (worktrees: linked ones too)."""
    found = [common_dir / "packed-refs.lock", common_dir / "index.lock",
             common_dir / "HEAD.lock"]
    found = [path for path in found if path.exists()]
    found += sorted((common_dir / "refs").rglob("*.lock"))
    if worktrees:
        found += sorted((common_dir / "worktrees").glob("*/index.lock"))
        found += sorted((common_dir / "worktrees").glob("*/HEAD.lock"))
    if not found or git_running_in(common_dir):
        return []
    now = time.time()
    old = []
    for path in found:
        try:
            age = now - path.stat().st_mtime
        except OSError:
            continue
        if age >= STALE_AFTER:
            old.append(Lock(path, age))
    return old


def git_running_in(common_dir: Path) -> bool:
    """Whether a git process (as far as /proc lets us see) works in this repository."""
    places = _repository_places(common_dir)
    proc = Path("/proc")
    if not proc.is_dir():
        return False  # no /proc (macOS): the lock's age alone decides
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            comm = (entry / "comm").read_text().strip()
            if comm != "git" and not comm.startswith("git-"):  # not gitorch, say
                continue
            # A reader such as land's `git cat-file --batch` lives long and locks nothing.
            if (entry / "cmdline").read_bytes().split(b"\0")[1:2] == [b"cat-file"]:
                continue
            cwd = Path(os.readlink(entry / "cwd"))
        except OSError:
            continue  # gone, or not ours to read
        if _inside(cwd, places) or _inside(_git_dir_of(entry), places):
            return True
    return False


def _inside(path: Path | None, places: set[Path]) -> bool:
    return path is not None and any(path == place or place in path.parents for place in places)


def _repository_places(common_dir: Path) -> set[Path]:
    """The common git dir and every worktree of the repository, read from its files."""
    places = {common_dir.resolve()}
    if common_dir.name == ".git":
        places.add(common_dir.parent.resolve())
    for gitdir in (common_dir / "worktrees").glob("*/gitdir"):
        try:
            places.add(Path(gitdir.read_text().strip()).parent.resolve())
        except OSError:
            continue
    return places


def _git_dir_of(entry: Path) -> Path | None:
    """GIT_DIR from a process's environment, where we may read it."""
    try:
        environ = (entry / "environ").read_bytes().split(b"\0")
    except OSError:
        return None
    for item in environ:
        if item.startswith(b"GIT_DIR="):
            return Path(os.fsdecode(item[8:])).resolve()
    return None
