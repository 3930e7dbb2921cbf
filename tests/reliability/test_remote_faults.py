"""A remote that is gone: one line, exit 1, nothing lost; status still answers."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import git, run_gitorch, scripted_repo

ROADMAP = "# Plan\n\n## Group A: Work\n\n### Track 1: One\nput one.txt 1\n"


def gone(repo: Path, tmp_path: Path) -> None:
    git(repo, "remote", "set-url", "origin", str(tmp_path / "nowhere.git"))


def test_land_with_the_remote_unreachable_changes_nothing(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, ROADMAP)
    run_gitorch(repo, "start", "--wait", check=True)
    gone(repo, tmp_path)
    refs = git(repo, "for-each-ref", "refs/heads", "refs/gitorch")
    done = run_gitorch(repo, "land")
    assert done.returncode == 1
    assert done.stderr.startswith("Error: git fetch origin failed: ")
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert git(repo, "for-each-ref", "refs/heads", "refs/gitorch") == refs
    local = json.loads(run_gitorch(repo, "land", "--no-push", "--json", check=True).stdout)
    assert local["landed"] == ["A/1"] and local["pushed"] is False
    assert (repo / "one.txt").read_text() == "1\n"


def test_shared_claims_with_the_remote_unreachable_start_nothing(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, ROADMAP, extra_config="claims:\n  remote: true\n")
    gone(repo, tmp_path)
    done = run_gitorch(repo, "start")
    assert done.returncode == 1
    assert done.stderr.startswith("Error: git fetch origin failed: ")
    assert done.stderr.rstrip().endswith("remote claims need the remote (nothing started)")
    assert git(repo, "for-each-ref", "refs/gitorch") == ""
    assert not (tmp_path / "repo.tracks").exists()
    status = run_gitorch(repo, "status", "--json", check=True)
    assert "showing the remote's claims as last fetched" in status.stderr
    assert json.loads(status.stdout)["tracks"][0]["state"] == "pending"


def test_without_shared_claims_start_goes_on_from_local_main(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, ROADMAP)
    gone(repo, tmp_path)
    done = run_gitorch(repo, "start", "--wait", check=True)
    assert "starting from local main" in done.stderr
    assert "✓ [A/1] completed successfully" in done.stdout


def refuse_pushes(tmp_path: Path) -> None:
    """The remote's pre-receive hook says why, as a real server does, and declines."""
    hook = tmp_path / "remote.git" / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'ERROR: Permission denied (403)' >&2\nexit 1\n")
    hook.chmod(0o755)


def test_a_refused_push_says_what_the_server_said(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, ROADMAP)
    run_gitorch(repo, "start", "--wait", check=True)
    refuse_pushes(tmp_path)
    done = run_gitorch(repo, "land")
    assert done.returncode == 1
    assert done.stderr == ("Error: push to origin was rejected: [remote rejected] (pre-receive "
                           "hook declined); ERROR: Permission denied (403) (nothing landed)\n")


def test_a_refused_claim_says_what_the_server_said(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, ROADMAP, extra_config="claims:\n  remote: true\n")
    refuse_pushes(tmp_path)
    done = run_gitorch(repo, "start")
    assert "Skipped A/1: the remote refused the claim: [remote rejected] (pre-receive hook " \
        "declined); ERROR: Permission denied (403)" in done.stdout, done.stdout + done.stderr
