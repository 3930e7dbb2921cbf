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


def test_init_finds_the_plan_when_there_is_no_roadmap(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", "")
    git(repo, "rm", "-q", "ROADMAP.md")
    (repo / ".planning").mkdir()
    (repo / ".planning" / "ROADMAP.md").write_text(sample("gsd-style.md"), encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Plan with GSD")
    done = run_gitorch(repo, "init", check=True)
    assert ("✓ found .planning/ROADMAP.md: read as gsd, 4 groups and 7 tracks, 4 open "
            "(see: gitorch roadmap)\n") in done.stdout
    config = (repo / "gitorch.yaml").read_text()
    assert config == default_config_text().replace("# roadmap: ROADMAP.md\n",
                                                   "roadmap: .planning/ROADMAP.md\n")
    shown = run_gitorch(repo, "roadmap", check=True).stdout
    assert shown.startswith(".planning/ROADMAP.md: read as gsd, 4 groups, 7 tracks\n")


def test_init_finds_a_spec_kit_tasks_file(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", "# Not a plan\n\nJust prose.\n")
    (repo / "specs" / "004-export").mkdir(parents=True)
    (repo / "specs" / "004-export" / "tasks.md").write_text(sample("speckit-style.md"))
    done = run_gitorch(repo, "init", check=True)
    assert "found specs/004-export/tasks.md: read as speckit, 3 groups and 9 tracks" in (
        done.stdout)
    assert "roadmap: specs/004-export/tasks.md\n" in (repo / "gitorch.yaml").read_text()


def test_init_keeps_the_default_when_roadmap_md_reads(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", sample("seed-style.md"))
    done = run_gitorch(repo, "init", check=True)
    assert "found ROADMAP.md: read as tracks, 7 groups and 14 tracks" in done.stdout
    assert (repo / "gitorch.yaml").read_text() == default_config_text()
