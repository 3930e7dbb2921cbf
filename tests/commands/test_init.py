"""`gitorch init`: writes gitorch.yaml once, makes the state folder, is idempotent."""

from __future__ import annotations

from pathlib import Path

from helpers import git, make_repo, run_gitorch, sample

from gitorch.config.loader import default_config_text


def test_init_writes_config_and_state_then_changes_nothing(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", sample("seed-style.md"))
    first = run_gitorch(repo, "init", check=True)
    assert (repo / "gitorch.yaml").read_text() == default_config_text()
    assert (repo / ".git" / "gitorch" / "locks").is_dir()
    assert "gitorch.yaml" in first.stdout
    before = (repo / "gitorch.yaml").stat().st_mtime_ns
    second = run_gitorch(repo, "init", check=True)
    assert second.stdout == "Nothing to do: gitorch is already set up here.\n"
    assert (repo / "gitorch.yaml").stat().st_mtime_ns == before


def test_init_never_overwrites_a_config(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", sample("seed-style.md"))
    (repo / "gitorch.yaml").write_text("max_parallel: 2\n")
    run_gitorch(repo, "init", check=True)
    assert (repo / "gitorch.yaml").read_text() == "max_parallel: 2\n"


def test_init_from_a_linked_worktree_uses_the_main_one(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", sample("seed-style.md"))
    git(repo, "worktree", "add", "-q", str(tmp_path / "side"), "-b", "side")
    run_gitorch(tmp_path / "side", "init", check=True)
    assert (repo / "gitorch.yaml").is_file()
    assert not (tmp_path / "side" / "gitorch.yaml").exists()
    assert (repo / ".git" / "gitorch").is_dir()
