"""Protected paths: a track that changes one waits in needs-review until a person approves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import git, run_gitorch, wait_delivered
from sandbox_repos import hostile_repo

from gitorch.config.settings import PROTECTED
from gitorch.land.review import protected

ROADMAP = ("# Plan\n\n## Group A: Trust\n\n### Track 1: Honest\nact: none\n\n"
           "### Track 2: Config\nact: protected\n")


@pytest.mark.parametrize(("path", "held"), [
    ("gitorch.yaml", True), (".github/workflows/ci.yml", True), ("sub/.gitattributes", True),
    (".gitorch/x", True), ("src/gitorch.py", False), ("docs/github/workflows.md", False),
])
def test_the_default_list(path: str, held: bool) -> None:
    assert bool(protected(PROTECTED, [path])) == held


def test_a_track_that_changes_protected_paths_waits_for_approval(tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    repo = hostile_repo(tmp_path, "off", ROADMAP, extra=(
        f"notify:\n  - {{command: [sh, -c, 'cat >> {events}; echo >> {events}'], "
        "on: [needs-review]}\n"))
    run_gitorch(repo, "start", "--wait", check=True)
    first = run_gitorch(repo, "land", check=True)
    assert "✓ A/1 landed" in first.stdout
    assert ("✗ A/2 changes protected .github/workflows/ci.yml, gitorch.yaml: it waits for "
            "gitorch approve A/2") in first.stdout
    status = json.loads(run_gitorch(repo, "status", "--json", check=True).stdout)
    track = next(t for t in status["tracks"] if t["id"] == "A/2")
    assert track["state"] == "needs-review"
    assert "gitorch approve A/2" in track["reason"]
    wait_delivered(repo)
    told = [json.loads(line) for line in events.read_text().splitlines()]
    assert [(e["event"], e["track"], e["paths"]) for e in told] == [
        ("needs-review", "A/2", [".github/workflows/ci.yml", "gitorch.yaml"])]
    assert told[0]["text"].endswith("`gitorch approve A/2` lets it land")
    assert run_gitorch(repo, "land", check=True).stdout.strip() == "Nothing to land."
    assert "test_command" not in git(repo, "show", "main:gitorch.yaml")
    approved = run_gitorch(repo, "approve", "A/2", check=True)
    assert approved.stdout.startswith("Approved A/2 at ")
    assert "✓ A/2 landed" in run_gitorch(repo, "land", check=True).stdout
    assert git(repo, "show", "main:.github/workflows/ci.yml") == "on: push\n"


def test_approve_refuses_a_track_that_waits_for_nothing(tmp_path: Path) -> None:
    repo = hostile_repo(tmp_path, "off", ROADMAP)
    refused = run_gitorch(repo, "approve", "A/1")
    assert refused.returncode == 1
    assert refused.stderr == ("Error: track A/1 does not wait for review (not started); "
                              "gitorch status shows the tracks that do\n")


def test_run_says_which_tracks_wait_for_review(tmp_path: Path) -> None:
    repo = hostile_repo(tmp_path, "off", ROADMAP)
    done = run_gitorch(repo, "run", "--every", "0.5s", timeout=120)
    assert done.returncode == 1
    waits = ("A/2 changes protected .github/workflows/ci.yml, gitorch.yaml; it waits for "
             "gitorch approve A/2")
    assert f"✗ {waits}" in done.stdout
    assert "1 track landed, 0 failed, 0 conflicts, 1 needing review, 1 push" in done.stdout
    assert ("✗ A/2 needs review: changes protected .github/workflows/ci.yml, gitorch.yaml; "
            "after a look: gitorch approve A/2") in done.stdout
    # The run ends as soon as only A/2 is left, maybe before a tick line: its end line says it.
    runs = (repo / ".git" / "gitorch" / "runs.log").read_text()
    assert " needs-review=1 " in runs.splitlines()[-1]
