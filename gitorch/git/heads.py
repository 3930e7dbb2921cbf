"""Where a worktree's HEAD is and where it has been: its branch, and its own reflog."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gitorch.errors import GitorchError
from gitorch.git import git
from gitorch.git.checkouts import worktree_git_dir


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
    return [commit for commit, _ in _head_reflog(worktree)]


def _head_reflog(worktree: Path) -> list[tuple[str, str]]:
    """The worktree's HEAD reflog, newest first: (new commit, message) of each entry.

    Read from its file (`<git dir>/logs/HEAD`, one `old new who when<TAB>message` line an
    entry), as `git reflog` reads it: the runner looks before and after every phase.
    """
    try:
        text = (worktree_git_dir(worktree) / "logs" / "HEAD").read_text(
            encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return []  # no entries yet, or reflogs turned off
    except (OSError, GitorchError):
        done = git(["reflog", "show", "--format=%H %gs", "HEAD", "--"], worktree, check=False)
        lines = done.stdout.splitlines() if done.returncode == 0 else []
        return [(line.partition(" ")[0], line.partition(" ")[2]) for line in lines]
    entries = []
    for line in text.splitlines():
        fields, _, message = line.partition("\t")
        parts = fields.split(" ", 2)
        if len(parts) == 3 and parts[1].strip("0"):  # a deletion names no commit
            entries.append((parts[1], message))
    return entries[::-1]


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
    entries = _head_reflog(worktree)
    moves = HeadMoves([], set())
    for commit, subject in entries[:max(len(entries) - before, 0)]:
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
