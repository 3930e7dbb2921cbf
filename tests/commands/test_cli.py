"""The console script as a user runs it: help, version, exit codes, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import git, make_repo, run_gitorch, sample

from gitorch.cli import cli

COMMANDS = sorted(cli.commands)


def test_version(tmp_path: Path) -> None:
    done = run_gitorch(tmp_path, "--version", check=True)
    assert done.stdout.startswith("gitorch, version ")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(tmp_path: Path, command: str) -> None:
    done = run_gitorch(tmp_path, command, "--help", check=True)
    assert "Example:" in done.stdout
    assert done.stdout.startswith(f"Usage: gitorch {command}")


def test_unknown_command_is_a_usage_error(tmp_path: Path) -> None:
    done = run_gitorch(tmp_path, "stats")
    assert done.returncode == 2
    assert "No such command" in done.stderr


def test_outside_a_repository_is_one_line_exit_1(tmp_path: Path) -> None:
    done = run_gitorch(tmp_path, "status")
    assert done.returncode == 1
    assert done.stderr == f"Error: {tmp_path} is not inside a git work tree; run gitorch " \
        "inside your project (or `git init` one first)\n"


def test_missing_roadmap(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "README").write_text("x\n")
    git(repo, "add", "README")
    git(repo, "commit", "-q", "-m", "first")
    done = run_gitorch(repo, "status")
    assert done.returncode == 1
    assert done.stderr == "Error: ROADMAP.md is not committed on main; create it, or set " \
        "`roadmap:` in gitorch.yaml\n"


def test_missing_roadmap_names_the_plan_that_is_there(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", "# Notes\n")
    git(repo, "rm", "-q", "ROADMAP.md")
    (repo / "specs" / "004-export").mkdir(parents=True)
    (repo / "specs" / "004-export" / "tasks.md").write_text(sample("speckit-style.md"))
    (repo / "gitorch.yaml").write_text("roadmap: ROADMAP.md\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Plan with Spec Kit")
    done = run_gitorch(repo, "roadmap")
    assert done.returncode == 1
    assert done.stderr == "Error: ROADMAP.md is not committed on main; set `roadmap: " \
        "specs/004-export/tasks.md` in gitorch.yaml (it reads as a speckit plan)\n"


def test_uncommitted_roadmap_says_how_to_commit_it(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", sample("seed-style.md"))
    git(repo, "mv", "ROADMAP.md", "PLAN.md")
    git(repo, "commit", "-q", "-m", "rename")
    (repo / "ROADMAP.md").write_text("## Group A: x\n### Track 1: y\n")
    done = run_gitorch(repo, "status")
    assert done.returncode == 1
    assert done.stderr == "Error: ROADMAP.md is not committed on main; commit it: " \
        "git add ROADMAP.md && git commit\n"


def test_empty_repository(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    done = run_gitorch(repo, "status")
    assert done.returncode == 1
    assert done.stderr == "Error: branch main has no commits yet; commit ROADMAP.md to it first\n"


def test_cycle_names_file_and_line(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", sample("broken-cycle.md"))
    done = run_gitorch(repo, "status")
    assert done.returncode == 1
    assert done.stderr.startswith("Error: ROADMAP.md:")
    assert done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr


def test_broken_yaml_names_file_and_line(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", sample("seed-style.md"))
    (repo / "gitorch.yaml").write_text("max_parallel: 2\nagent: [unclosed\n")
    done = run_gitorch(repo, "status")
    assert done.returncode == 1
    assert done.stderr.startswith("Error: gitorch.yaml:")
    assert done.stderr.count("\n") == 1


def test_wrong_key_names_file_line_and_key(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", sample("seed-style.md"))
    (repo / "gitorch.yaml").write_text("max_parallel: 2\nagent:\n  timeout: soon\n")
    done = run_gitorch(repo, "status")
    assert done.returncode == 1
    assert done.stderr == "Error: gitorch.yaml:3: agent.timeout: expected a duration like " \
        "90s, 10m or 2h\n"


def test_non_utf8_roadmap(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", "")
    (repo / "ROADMAP.md").write_bytes(b"## Group A: ok\n### Track 1: caf\xe9\n")
    git(repo, "commit", "-q", "-am", "latin-1")
    done = run_gitorch(repo, "status")
    assert done.returncode == 1
    assert done.stderr == "Error: ROADMAP.md:2: not valid UTF-8\n"


def test_status_json_imports_no_yaml_and_no_screens_once_the_config_is_kept(
        tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", sample("seed-style.md"))
    (repo / "gitorch.yaml").write_text("max_parallel: 2\n")
    run_gitorch(repo, "status", "--json", check=True)  # parses gitorch.yaml, keeps it
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "gitorch", "status",
                           "--json"], cwd=repo, capture_output=True, text=True, check=True)
    imported = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()]
    assert "gitorch.commands.status" in imported
    assert not [name for name in imported
                if name.startswith(("yaml", "gitorch.status.text", "gitorch.status.watch"))]


def test_json_is_one_document(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", sample("seed-style.md"))
    done = run_gitorch(repo, "status", "--json", check=True)
    assert json.loads(done.stdout)["group"] == {"id": "E", "title": "Algorithm Foundation"}
