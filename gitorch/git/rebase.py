"""A track's rebase in its own worktree, stop by stop, and wip snapshots beside it.

The rebase is git's own (`git rebase`), so what the agent resolves is what a person would
see. The snapshot writes a commit from a temporary index file: the worktree and its index
are never touched (DESIGN §12).
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from gitorch import process
from gitorch.git import GITORCH_IDENTITY, git
from gitorch.git.checkouts import worktree_git_dir
from gitorch.state import COMMIT_ID

# git never asks for a message, and a rebase never opens an editor.
_QUIET = ["-c", "core.editor=true", "-c", "sequence.editor=true", *GITORCH_IDENTITY]
_MARKER = re.compile(rb"^(<{7}|>{7})( |$)|^={7}$", re.MULTILINE)


@dataclass(frozen=True)
class RebaseStep:
    """Where a rebase is: finished, or stopped with these unmerged paths."""

    done: bool
    unmerged: tuple[str, ...] = ()
    message: str = ""


def in_progress(worktree: Path) -> bool:
    """Whether a rebase is under way (stopped or killed) in worktree."""
    git_dir = worktree_git_dir(worktree)
    return (git_dir / "rebase-merge").is_dir() or (git_dir / "rebase-apply").is_dir()


def abort(worktree: Path) -> None:
    """Give up the rebase in worktree: its branch is back where it was, nothing lost."""
    if in_progress(worktree):
        git(["rebase", "--abort"], worktree)


def start(worktree: Path, onto: str) -> RebaseStep:
    """Rebase the worktree's branch onto onto; where it stopped, if it did."""
    done = git([*_QUIET, "rebase", "--no-autostash", onto], worktree, check=False)
    return _step(worktree, done)


def continue_(worktree: Path) -> RebaseStep:
    """Stage every change in worktree and continue; a step left empty is skipped."""
    git(["add", "-A"], worktree)
    left = unmerged(worktree)
    if left:
        return RebaseStep(False, left, "unmerged paths left after staging")
    if not git(["diff", "--cached", "--quiet"], worktree, check=False).returncode:
        # The resolution is what HEAD already has: git rebase would stop to ask.
        return _step(worktree, git([*_QUIET, "rebase", "--skip"], worktree, check=False))
    return _step(worktree, git([*_QUIET, "rebase", "--continue"], worktree, check=False))


def _step(worktree: Path, done: process.Completed) -> RebaseStep:
    said = (done.stderr + done.stdout).strip()
    if not in_progress(worktree):
        if done.returncode != 0:
            return RebaseStep(False, (), said.splitlines()[-1] if said else "rebase failed")
        return RebaseStep(True)
    return RebaseStep(False, unmerged(worktree), said)


def unmerged(worktree: Path) -> tuple[str, ...]:
    """Paths with unmerged entries in the worktree's index."""
    out = git(["diff", "--name-only", "--diff-filter=U", "-z"], worktree).stdout
    return tuple(sorted({name for name in out.split("\0") if name}))


def with_markers(worktree: Path, paths: tuple[str, ...]) -> list[str]:
    """Those of paths whose file still holds a conflict marker line."""
    found = []
    for name in paths:
        try:
            data = (worktree / name).read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            continue  # removed: a resolution too
        if _MARKER.search(data):
            found.append(name)
    return found


def stopped_at(worktree: Path) -> str | None:
    """The commit the rebase stopped on (REBASE_HEAD), if any."""
    done = git(["rev-parse", "--verify", "--quiet", "REBASE_HEAD"], worktree, check=False)
    return done.stdout.strip() if done.returncode == 0 else None


def commits_touching(worktree: Path, since: str, upto: str, paths: tuple[str, ...]
                     ) -> list[str]:
    """`abc1234 subject` of the commits in since..upto that changed any of paths."""
    if not paths:
        return []
    done = git(["log", "--format=%h %s", f"{since}..{upto}", "--", *paths], worktree,
               check=False)
    return done.stdout.splitlines() if done.returncode == 0 else []


def snapshot(worktree: Path, message: str, *, expect_clean: bool = False) -> str | None:
    """HEAD plus every uncommitted change (tracked, and untracked not ignored), as a commit.

    Written from a copy of the worktree's index, so its stat data spares hashing unchanged
    files, and neither the worktree nor its index changes. None if HEAD names nothing; HEAD
    itself if nothing is uncommitted. expect_clean: first ask whether anything is (one
    process, where a snapshot takes three): worth it when the worktree is usually clean.
    """
    if expect_clean:
        clean = _clean_head(worktree)
        if clean is not None:
            return clean
    # HEAD and its tree in one process; `--` makes both revisions, never file names.
    head = git(["rev-parse", "HEAD", "HEAD^{tree}", "--"], worktree, check=False)
    if head.returncode != 0:
        return None
    parent, parent_tree = head.stdout.split()[:2]
    git_dir = worktree_git_dir(worktree)
    index = git_dir / f"gitorch-wip-index.{os.getpid()}"
    try:
        if (git_dir / "index").exists():
            shutil.copyfile(git_dir / "index", index)
        env = {"GIT_INDEX_FILE": str(index)}
        if not (git_dir / "index").exists():
            process.run(["git", "read-tree", parent], worktree, env=env)
        process.run(["git", "add", "-A"], worktree, env=env)
        tree = process.run(["git", "write-tree"], worktree, env=env).stdout.strip()
    finally:
        index.unlink(missing_ok=True)
    if tree == parent_tree:
        return parent
    return git([*GITORCH_IDENTITY, "commit-tree", tree, "-p", parent, "-m", message],
               worktree).stdout.strip()


def _clean_head(worktree: Path) -> str | None:
    """HEAD's commit if nothing in worktree is uncommitted, else None (or if HEAD names
    nothing); as status sees it, without taking the index's lock an agent may need."""
    done = git(["--no-optional-locks", "status", "--porcelain=v2", "--branch", "-z"],
               worktree, check=False)
    entries = [entry for entry in done.stdout.split("\0") if entry]
    if done.returncode != 0 or any(not entry.startswith("# ") for entry in entries):
        return None
    head = next((entry.removeprefix("# branch.oid ") for entry in entries
                 if entry.startswith("# branch.oid ")), "")
    return head if COMMIT_ID.fullmatch(head) else None  # "(initial)": no commit yet
