"""A branch's newest commits from their loose objects: git's range exactly, or git asked."""

from __future__ import annotations

from pathlib import Path

from helpers import git, make_repo

from gitorch.git.loose import loose_chain


def _commits(repo: Path, count: int, name: str = "commit") -> list[str]:
    for n in range(count):
        git(repo, "commit", "-q", "--allow-empty", "-m", f"{name} {n}")
    return git(repo, "rev-list", f"HEAD~{count}..HEAD").split()


def test_a_chain_of_loose_commits_is_the_range_git_lists(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", "# Roadmap\n")
    base = git(repo, "rev-parse", "HEAD").strip()
    made = _commits(repo, 3)
    common = repo / ".git"
    assert loose_chain(common, base, made[0]) == made
    assert loose_chain(common, base, base) == []
    # A merge on the way: git says.
    git(repo, "checkout", "-q", "-b", "side", base)
    side = _commits(repo, 1, "side")
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-ff", "-m", "merge", "side")
    assert loose_chain(common, base, git(repo, "rev-parse", "HEAD").strip()) is None
    assert loose_chain(common, base, side[0]) == side


def test_packed_commits_and_replaced_history_go_to_git(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", "# Roadmap\n")
    base = git(repo, "rev-parse", "HEAD").strip()
    made = _commits(repo, 2)
    common = repo / ".git"
    git(repo, "replace", made[1], base)
    assert loose_chain(common, base, made[0]) is None
    git(repo, "pack-refs", "--all")
    assert loose_chain(common, base, made[0]) is None
    git(repo, "replace", "-d", made[1])
    assert loose_chain(common, base, made[0]) == made
    git(repo, "repack", "-q", "-a", "-d")
    git(repo, "prune-packed")
    assert loose_chain(common, base, made[0]) is None
