"""Linked worktrees: listing, adding, pruning and removing them, and finding their git dirs."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from gitorch.errors import GitorchError
from gitorch.git import RepoPaths, git, locked_retry


@dataclass(frozen=True)
class Worktree:
    """One entry of `git worktree list`."""

    path: Path
    head: str | None
    branch: str | None
    prunable: bool


def worktrees(paths: RepoPaths) -> list[Worktree]:
    """Every worktree git knows of (read fresh each time, never cached)."""
    out = git(["worktree", "list", "--porcelain"], paths.worktree).stdout
    found = []
    for block in out.strip().split("\n\n"):
        fields = dict([*line.split(" ", 1), ""][:2] for line in block.splitlines())
        if "worktree" not in fields:
            continue
        branch = fields.get("branch", "").removeprefix("refs/heads/") or None
        found.append(Worktree(Path(fields["worktree"]), fields.get("HEAD"), branch,
                              "prunable" in fields))
    return found


def add_worktree(paths: RepoPaths, path: Path, branch: str, start: str | None) -> None:
    """Check out branch at path; with start, create branch there first."""
    args = ["worktree", "add", "--quiet"]
    args += ["-b", branch, str(path), start] if start else [str(path), branch]
    done = locked_retry(paths, args, None, paths.main_worktree)
    if done.returncode != 0:
        said = done.stderr.strip().splitlines()
        raise GitorchError(f"git worktree add {path} failed: {said[-1] if said else ''}")


def prune_worktrees(paths: RepoPaths) -> None:
    """Forget worktrees whose folders are gone."""
    git(["worktree", "prune"], paths.main_worktree)


def remove_worktree(paths: RepoPaths, path: Path, force: bool) -> None:
    git(["worktree", "remove", *(["--force"] if force else []), str(path)], paths.main_worktree)


def add_detached_worktree(paths: RepoPaths, path: Path, commit: str) -> None:
    git(["worktree", "add", "--quiet", "--detach", str(path), commit], paths.main_worktree)


def worktree_git_dir(worktree: Path) -> Path:
    """The private git dir of a linked worktree, as its `.git` file names it (as git reads
    it: no process a phase for it); git itself says when that file is not plain."""
    try:
        text = (worktree / ".git").read_text(encoding="utf-8")
    except OSError:
        text = ""
    if text.startswith("gitdir: ") and text.count("\n") <= 1:
        return _resolved(worktree, text.removeprefix("gitdir: ").strip())
    out = git(["rev-parse", "--path-format=absolute", "--git-dir"], worktree).stdout
    return Path(out.strip())


@cache
def _resolved(worktree: Path, pointer: str) -> Path:
    """The git dir a worktree's `.git` file points to: resolved once a process for each
    pointer (each phase asks a few times), the file itself read every time."""
    return (worktree / pointer).resolve()
