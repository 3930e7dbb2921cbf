"""An agent that commits beside its track's branch fails the track, saying where and what next."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import agent_repo, git, run_gitorch

ONE_TRACK = "# Roadmap\n\n## Group A: One\n\n### Track 1: Alpha\nFirst.\n"
BRANCH = "gitorch/A/1/alpha"


def start(tmp_path: Path, env: dict[str, str]) -> tuple[Path, Path, dict[str, object]]:
    """Run A/1 with the own-branch agent; the repo, its worktree and A/1 in `status --json`."""
    repo = agent_repo(tmp_path / "repo", ONE_TRACK, "own_branch.sh")
    # A person's branch that main does not hold.
    git(repo, "checkout", "-q", "-b", "feature")
    git(repo, "commit", "-q", "--allow-empty", "-m", "a person's work")
    git(repo, "checkout", "-q", "main")
    run_gitorch(repo, "start", "--wait", env=env)
    status = json.loads(run_gitorch(repo, "status", "--json", check=True).stdout)
    track = status["tracks"][0]
    return repo, Path(track["worktree"]), track


def test_commits_on_a_branch_of_its_own_fail_the_track_and_stay(tmp_path: Path) -> None:
    repo, worktree, track = start(tmp_path, {})
    assert track["state"] == "failed"
    assert track["reason"] == (
        f"the agent committed on branch mine (2 commits), not {BRANCH}; merge them "
        f"(`git -C {worktree} checkout {BRANCH} && git -C {worktree} merge mine`) or leave "
        f"them on mine (`git -C {worktree} checkout {BRANCH}`), then gitorch start -t A/1")
    text = run_gitorch(repo, "status", check=True).stdout
    assert "the agent committed on branch mine (2 commits)" in text
    assert git(repo, "log", "--format=%s", "mine").splitlines()[:2] == ["mine 2", "mine 1"]
    assert git(worktree, "symbolic-ref", "--short", "HEAD").strip() == "mine"  # left as it was
    log = run_gitorch(repo, "logs", "A/1", check=True).stdout
    assert "the agent committed on branch mine (2 commits)" in log


def test_commits_left_on_another_branch_after_switching_back(tmp_path: Path) -> None:
    _, worktree, track = start(tmp_path, {"AGENT_BACK": "1"})
    assert track["state"] == "failed"
    assert track["reason"] == (
        f"the agent committed on branch mine (2 commits), not {BRANCH}; merge them "
        f"(`git -C {worktree} merge mine`), then gitorch start -t A/1")


def test_commits_on_a_detached_head(tmp_path: Path) -> None:
    _, worktree, track = start(tmp_path, {"AGENT_DETACH": "1"})
    head = git(worktree, "rev-parse", "HEAD").strip()
    assert track["state"] == "failed"
    assert track["reason"] == (
        f"the agent committed on a detached HEAD (2 commits), not {BRANCH}; merge them "
        f"(`git -C {worktree} checkout {BRANCH} && git -C {worktree} merge {head[:12]}`), "
        "then gitorch start -t A/1")


def test_a_worktree_left_on_another_branch_without_commits(tmp_path: Path) -> None:
    _, worktree, track = start(tmp_path, {"AGENT_EMPTY": "1"})
    assert track["state"] == "failed"
    assert track["reason"] == (
        f"the agent left its worktree on branch mine, not {BRANCH}; "
        f"`git -C {worktree} checkout {BRANCH}`, then gitorch start -t A/1")


def test_looking_at_someone_elses_branch_is_no_stray_work(tmp_path: Path) -> None:
    _, _, track = start(tmp_path, {"AGENT_LOOK": "feature"})
    assert track["state"] == "done"


def test_amended_and_reset_commits_are_no_stray_work(tmp_path: Path) -> None:
    _, _, track = start(tmp_path, {"AGENT_AMEND": "1"})
    assert track["state"] == "done"
    assert track["commits"] == 1


@pytest.mark.parametrize("fixed", ["merge", "leave"])
def test_after_a_persons_fix_start_carries_on_and_the_track_is_done(tmp_path: Path,
                                                                     fixed: str) -> None:
    repo, worktree, _ = start(tmp_path, {})
    git(worktree, "checkout", "-q", BRANCH)
    if fixed == "merge":
        git(worktree, "merge", "-q", "mine")
    run_gitorch(repo, "start", "-t", "A/1", "--wait", check=True)
    track = json.loads(run_gitorch(repo, "status", "--json", check=True).stdout)["tracks"][0]
    assert track["state"] == "done"
    assert track["commits"] == (3 if fixed == "merge" else 1)


def test_run_does_not_retry_past_stray_commits(tmp_path: Path) -> None:
    repo = agent_repo(tmp_path / "repo", ONE_TRACK, "own_branch.sh")
    done = run_gitorch(repo, "run", "--every", "0.3s", env={"AGENT_BACK": "1"})
    assert done.returncode == 1, done.stdout + done.stderr
    assert "✗ Track A/1 failed (the agent committed on branch mine (2 commits), not " \
        f"{BRANCH}; merge them" in done.stdout
    assert "; not retried" in done.stdout
    runs_log = (repo / ".git" / "gitorch" / "runs.log").read_text().splitlines()
    assert sum(line.split()[1:3] == ["start", "A/1"] for line in runs_log) == 1
