"""A worktree's files: what is uncommitted there, and bringing its checkout along."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from gitorch import process
from gitorch.git import git

INDEX_LOCK_WAIT = 5.0  # seconds: a checkout of 20,000 files takes well under one


def worktree_changes(worktree: Path) -> list[str]:
    """`git status --porcelain` lines of a worktree (empty when clean)."""
    return worktree_changes_started(worktree)()


def worktree_changes_started(worktree: Path) -> Callable[[], list[str]]:
    """worktree_changes, begun now in the background; call the result for its lines."""
    # A look only: git would write the index it refreshes (and fail on a full disk).
    running = process.Running(["git", "--no-optional-locks", "status", "--porcelain",
                               "--untracked-files=normal"], worktree)
    return lambda: running.result().stdout.splitlines()


def dirty_files(worktree: Path) -> list[str]:
    """Paths with uncommitted changes (tracked or untracked) in a worktree."""
    return dirty_files_started(worktree)()


def dirty_files_started(worktree: Path) -> Callable[[], list[str]]:
    """dirty_files, begun now in the background; call the result for the paths."""
    running = process.Running(["git", "--no-optional-locks", "status", "--porcelain", "-z",
                               "--untracked-files=all"], worktree)

    def paths() -> list[str]:
        names = []
        entries = iter(running.result().stdout.split("\0"))
        for entry in entries:
            if not entry:
                continue
            names.append(entry[3:])
            if entry[0] in "RC":
                names.append(next(entries, ""))  # a rename's source follows it
        return names

    return paths


def wait_for_index_lock(worktree: Path, timeout: float = INDEX_LOCK_WAIT) -> None:
    """Wait while another git holds the worktree's index.lock, such as a checkout that a
    killed land began and that goes on to its end; past timeout, git's own error will say.
    """
    lock = Path(git(["rev-parse", "--path-format=absolute", "--git-path", "index.lock"],
                    worktree).stdout.strip())
    deadline = time.monotonic() + timeout
    while lock.exists() and time.monotonic() < deadline:
        time.sleep(0.02)


def index_matches(worktree: Path, commit: str) -> bool:
    """Whether a worktree's index holds exactly commit's tree."""
    index = git(["write-tree"], worktree).stdout.strip()
    return index == git(["rev-parse", f"{commit}^{{tree}}"], worktree).stdout.strip()


def checkout_detached(worktree: Path, commit: str) -> None:
    """Point a scratch worktree at commit, discarding what the last use left."""
    git(["checkout", "--quiet", "--detach", "--force", commit], worktree)
    git(["clean", "-ffdq"], worktree)


def commit_changes(worktree: Path, message: str) -> bool:
    """Commit every change in worktree as its user (hooks run); False if there were none."""
    if not worktree_changes(worktree):
        return False
    git(["add", "-A"], worktree)
    git(["commit", "-q", "-m", message], worktree)
    return True


def fast_forward_worktree(worktree: Path, old: str, new: str) -> Callable[[], None]:
    """Begin bringing a worktree's index and files from old to new, keeping untouched local
    changes; call the result to wait for it (it raises if git failed).
    """
    running = process.Running(["git", "read-tree", "-m", "-u", old, new], worktree)

    def finished() -> None:
        running.result()

    return finished
