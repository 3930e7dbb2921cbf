"""What status tells about the world around the roadmap: a remote ahead, a broken roadmap."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import git, run_gitorch, scripted_repo

ROADMAP = "# Plan\n\n## Group A: Work\n\n### Track 1: One\nput one.txt 1\n"


def test_a_clone_behind_its_remote_says_so_and_how_to_catch_up(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, ROADMAP)
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(tmp_path / "remote.git"), str(other))
    assert json.loads(run_gitorch(other, "status", "--json", check=True).stdout)[
        "behind"] is None
    for n in (1, 2):
        git(repo, "commit", "-q", "--allow-empty", "-m", f"Land {n}")
    git(repo, "push", "-q", "origin", "main")
    lines = run_gitorch(other, "status", check=True).stdout.splitlines()
    assert lines[1] == (f"main is 2 commits behind origin/main: git -C {other} pull "
                        "--ff-only origin main")
    behind = json.loads(run_gitorch(other, "status", "--json", check=True).stdout)["behind"]
    assert behind["commits"] == 2
    git(other, *behind["command"].split()[3:])
    assert json.loads(run_gitorch(other, "status", "--json", check=True).stdout)[
        "behind"] is None


def test_a_broken_roadmap_shows_the_last_good_tracks_under_the_error(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, ROADMAP, remote=False)
    (repo / "ROADMAP.md").write_text(ROADMAP + "Depends on: Track 9\n")
    git(repo, "commit", "-q", "-am", "Break it")
    done = run_gitorch(repo, "status", "--json", check=True)
    document = json.loads(done.stdout)
    assert document["error"].startswith("ROADMAP.md:7: track A/1 depends on A/9, which is "
                                        "not in the roadmap")
    assert document["error"].endswith("(showing the tracks of main~1)")
    assert [t["id"] for t in document["tracks"]] == ["A/1"]
    git(repo, "commit", "-q", "--allow-empty", "-m", "Still broken")
    again = json.loads(run_gitorch(repo, "status", "--json", check=True).stdout)
    assert again["error"].endswith("(showing the tracks of main~2)")
