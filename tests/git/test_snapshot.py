"""The wip snapshot of a worktree: HEAD when nothing is uncommitted, else a commit on it."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import git, make_repo

from gitorch.git.rebase import snapshot


@pytest.mark.parametrize("expect_clean", [False, True])
def test_a_snapshot_is_head_when_clean_and_holds_every_change_when_not(
        tmp_path: Path, expect_clean: bool) -> None:
    repo = make_repo(tmp_path / "repo", "# Roadmap\n", {".gitignore": "ignored.txt\n"})
    head = git(repo, "rev-parse", "HEAD").strip()
    (repo / "ignored.txt").write_text("not work\n")
    assert snapshot(repo, "wip", expect_clean=expect_clean) == head
    for change in ("untracked", "staged", "edited"):
        target = repo / ("new.txt" if change == "untracked" else "ROADMAP.md")
        target.write_text(f"{change}\n")
        if change == "staged":
            git(repo, "add", "ROADMAP.md")
        index = (repo / ".git" / "index").read_bytes()
        made = snapshot(repo, "wip", expect_clean=expect_clean)
        assert made is not None and made != head
        assert git(repo, "rev-parse", f"{made}^").strip() == head
        assert git(repo, "show", f"{made}:{target.name}") == f"{change}\n"
        assert (repo / ".git" / "index").read_bytes() == index  # the worktree's own, as it was
        git(repo, "reset", "-q", "--hard")
        (repo / "new.txt").unlink(missing_ok=True)


def test_no_snapshot_before_the_first_commit(tmp_path: Path) -> None:
    repo = tmp_path / "empty"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "file.txt").write_text("x\n")
    assert snapshot(repo, "wip", expect_clean=True) is None
    assert snapshot(repo, "wip") is None
