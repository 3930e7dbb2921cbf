"""wip refs: every track commit mirrored, uncommitted work snapshotted without a touch."""

from __future__ import annotations

from pathlib import Path

from helpers import git, run_gitorch, scripted_repo

from gitorch.names import TrackId
from gitorch.project import open_project
from gitorch.tracks.wip import save_wip

ROADMAP = "# Plan\n\n## Group A: Work\n\n### Track 1: One\nput a.txt alpha\n"


def test_a_run_leaves_its_commits_on_the_wip_ref_and_the_hook_mirrors_more(
        tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, ROADMAP, remote=False)
    run_gitorch(repo, "init", check=True)
    run_gitorch(repo, "start", "--wait", check=True)
    branch = "gitorch/A/1/one"
    assert git(repo, "rev-parse", "refs/gitorch/track/A/1/wip") == git(repo, "rev-parse", branch)
    worktree = tmp_path / "repo.tracks" / "group_A_track_1"
    (worktree / "b.txt").write_text("by hand\n")
    git(worktree, "add", "b.txt")
    git(worktree, "commit", "-qm", "A commit by a person")
    assert git(repo, "rev-parse", "refs/gitorch/track/A/1/wip") == git(repo, "rev-parse", branch)


def test_snapshot_holds_changes_and_new_files_and_touches_nothing(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, ROADMAP, remote=False,
                         files={".gitignore": "*.log\n", "kept.txt": "old\n"})
    run_gitorch(repo, "start", "--wait", check=True)
    worktree = tmp_path / "repo.tracks" / "group_A_track_1"
    (worktree / "kept.txt").write_text("changed\n")
    (worktree / "staged.txt").write_text("staged\n")
    git(worktree, "add", "staged.txt")
    (worktree / "new.txt").write_text("untracked\n")
    (worktree / "debug.log").write_text("ignored\n")
    index = Path(git(worktree, "rev-parse", "--git-path", "index").strip())
    if not index.is_absolute():
        index = worktree / index
    before = (git(worktree, "status", "--porcelain"), index.read_bytes())
    head = git(worktree, "rev-parse", "HEAD").strip()
    snapshot = save_wip(open_project(repo), TrackId.parse("A/1"), worktree)
    assert snapshot is not None and snapshot != head
    assert (git(worktree, "status", "--porcelain"), index.read_bytes()) == before
    assert git(repo, "rev-parse", "refs/gitorch/track/A/1/wip").strip() == snapshot
    assert git(repo, "rev-parse", f"{snapshot}^").strip() == head
    files = git(repo, "ls-tree", "-r", "--name-only", snapshot).split()
    assert {"kept.txt", "staged.txt", "new.txt", "a.txt"} <= set(files)
    assert "debug.log" not in files
    assert git(repo, "show", f"{snapshot}:kept.txt") == "changed\n"
