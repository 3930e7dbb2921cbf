"""Hostile agents beside an honest one: each act fails in the sandbox, the honest track lands."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from helpers import git, run_gitorch
from sandbox_repos import hostile_repo, tip


@pytest.mark.slow
def test_every_hostile_act_fails_while_the_honest_track_lands(tmp_path: Path,
                                                              bwrap: str) -> None:
    repo = hostile_repo(tmp_path, "bwrap")
    main, config = tip(repo, "main"), (repo / ".git" / "config").read_bytes()
    hooks = sorted(path.name for path in (repo / ".git" / "hooks").iterdir())
    run_gitorch(repo, "start", "--wait", timeout=120, check=True)
    tracks = tmp_path / "repo.tracks"
    honest = "refs/heads/gitorch/A/1/honest"
    background = tip(repo, "refs/heads/gitorch/A/9/background")
    time.sleep(1.0)  # five beats of the loop, had it outlived its phase
    got_through = {
        "other_worktree": (tracks / "group_A_track_1" / "pwned-by-other.txt").exists(),
        "main_worktree": (repo / "pwned-main.txt").exists(),
        "commit_main": tip(repo, "main") != main or (repo / "pwned-commit.txt").exists(),
        "push": git(tmp_path / "remote.git", "for-each-ref", "refs/heads/pwned-push") != "",
        "fsmonitor": (repo / ".git" / "config").read_bytes() != config,
        "hooks": sorted(path.name for path in (repo / ".git" / "hooks").iterdir()) != hooks,
        "other_branch": git(repo, "log", "-1", "--format=%s", honest).strip()
        != "A/1: its own work",
        "background": tip(repo, "refs/heads/gitorch/A/9/background") != background,
        "pointer": (tracks / "group_A_track_10" / ".git").read_text()
        != f"gitdir: {repo / '.git' / 'worktrees' / 'group_A_track_10'}\n",
    }
    assert [act for act, through in got_through.items() if through] == []
    assert not [path for path in tmp_path.iterdir() if path.name.endswith("-ran")]
    status = json.loads(run_gitorch(repo, "status", "--json", check=True).stdout)
    states = {track["id"]: (track["state"], track["sandboxed"]) for track in status["tracks"]}
    assert states["A/1"] == ("done", True)
    run_gitorch(repo, "land", "A/1", check=True)
    landed = git(tmp_path / "remote.git", "show", "main:track-A-1.txt")
    assert landed == "work of A/1\n"


@pytest.mark.slow
def test_a_commit_inside_reaches_the_events_and_the_wip_ref(tmp_path: Path, bwrap: str) -> None:
    roadmap = "# Plan\n\n## Group A: Trust\n\n### Track 1: Honest\nact: none\n"
    repo = hostile_repo(tmp_path, "bwrap", roadmap)
    git(repo, "pack-refs", "--all")  # a packed ref is written loose again, inside too
    run_gitorch(repo, "start", "--wait", check=True)
    branch = tip(repo, "refs/heads/gitorch/A/1/honest")
    assert git(repo, "log", "-1", "--format=%s", branch).strip() == "A/1: its own work"
    events = (repo / ".git" / "gitorch" / "events" / "group_A_track_1.log").read_text()
    assert f"\t{branch}\t0\tA/1: its own work\ntrack-A-1.txt\n" in events
    assert tip(repo, "refs/gitorch/track/A/1/wip") == branch
    record = json.loads((repo / ".git" / "gitorch" / "tracks" / "group_A_track_1.json"
                         ).read_text())
    assert record["sandboxed"] is True


@pytest.mark.slow
def test_without_the_sandbox_the_act_gets_through(tmp_path: Path) -> None:
    roadmap = ("# Plan\n\n## Group A: Trust\n\n### Track 1: Honest\nact: none\n\n"
               "### Track 2: Hostile\nact: main_worktree\n")
    repo = hostile_repo(tmp_path, "off", roadmap)
    run_gitorch(repo, "start", "--wait", check=True)
    assert (repo / "pwned-main.txt").read_text() == "pwned\n"
    status = json.loads(run_gitorch(repo, "status", "--json", check=True).stdout)
    assert {track["id"]: track["sandboxed"] for track in status["tracks"]} == {
        "A/1": False, "A/2": False}
