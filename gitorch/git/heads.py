"""Where a worktree's HEAD is and where it has been: its branch, and its own reflog."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gitorch.errors import GitorchError
from gitorch.git import git, worktree_git_dir


def head_branch(worktree: Path) -> str | None:
    """The branch checked out in worktree (short name), or None when HEAD is detached.

    Read from the worktree's HEAD file, as git does, when it is the plain kind: the
    runner asks before and after every phase.
    """
    try:
        head = (worktree_git_dir(worktree) / "HEAD").read_text(encoding="utf-8")
    except (OSError, GitorchError):
        head = ""
    if head.startswith("ref: refs/heads/") and head.count("\n") == 1:
        return head.removeprefix("ref: refs/heads/").strip()
    if re.fullmatch(r"[0-9a-f]{40}(?:[0-9a-f]{24})?\n", head):
        return None
    done = git(["symbolic-ref", "-q", "--short", "HEAD"], worktree, check=False)
    return (done.stdout.strip() or None) if done.returncode == 0 else None


def head_commit(worktree: Path) -> str | None:
    done = git(["rev-parse", "-q", "--verify", "HEAD^{commit}"], worktree, check=False)
    return (done.stdout.strip() or None) if done.returncode == 0 else None


def head_history(worktree: Path) -> list[str]:
    """The commits the worktree's own HEAD reflog names, newest first (each worktree has its
    own): those made or checked out there, never a branch moved from elsewhere."""
    done = git(["reflog", "show", "--format=%H", "HEAD", "--"], worktree, check=False)
    return done.stdout.split() if done.returncode == 0 else []


def reflog_size(worktree: Path) -> int:
    """How many entries the worktree's own HEAD reflog holds."""
    return len(head_history(worktree))


@dataclass(frozen=True)
class HeadMoves:
    """What this worktree's HEAD did since a point in its reflog."""

    checkouts: list[str]  # what `git checkout`/`switch` moved it to: branches or commits
    made: set[str]  # the commits it pointed at other than by a checkout or a reset


def head_moves(worktree: Path, before: int) -> HeadMoves:
    """HeadMoves since the worktree's HEAD reflog held `before` entries."""
    done = git(["reflog", "show", "--format=%H %gs", "HEAD", "--"], worktree, check=False)
    entries = done.stdout.splitlines() if done.returncode == 0 else []
    moves = HeadMoves([], set())
    for entry in entries[:max(len(entries) - before, 0)]:
        commit, _, subject = entry.partition(" ")
        if subject.startswith("checkout: moving from "):
            moves.checkouts.append(subject.rpartition(" to ")[2])
        elif not subject.startswith("reset: "):
            moves.made.add(commit)  # a commit, amend, merge, cherry-pick, rebase step
    return moves


def commits_not_on(worktree: Path, commits: Sequence[str], refs: Sequence[str]) -> list[str]:
    """The commits reachable from commits but from none of refs, newest first."""
    if not commits:
        return []
    done = git(["rev-list", *commits, "--not", *refs, "--"], worktree, check=False)
    return done.stdout.split() if done.returncode == 0 else []


def branches_containing(worktree: Path, commit: str) -> list[str]:
    done = git(["for-each-ref", "--format=%(refname:short)", "--contains", commit,
                "refs/heads/"], worktree, check=False)
    return done.stdout.split() if done.returncode == 0 else []
