"""Footprints from real repositories: the tree of main, and the hook's reports of commits."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import git, make_repo, run_gitorch

from gitorch import git as gitorch_git
from gitorch.git.checkouts import worktree_git_dir
from gitorch.names import TrackId
from gitorch.project import load_roadmap, open_project
from gitorch.state import StateDir
from gitorch.tracks import hook
from gitorch.tracks.events import read_events
from gitorch.tracks.footprints import live_footprint, overlaps, predicted_footprints

ROADMAP = """# Plan

## Group E: Registry

### Track 1: Registry
Implement core/registry.py and its tests in tests/.

### Track 2: Loader
Touch `registry.py` too, and write core/loader.py (new).

### Track 3: Docs
Only prose here.
"""
FILES = {"core/registry.py": "x = 1\n", "tests/test_a.py": "", "tests/test_b.py": "",
         "core/other.py": ""}


def test_predicted_footprints_come_from_the_tree_of_main(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ROADMAP, FILES)
    project = open_project(repo)
    roadmap = load_roadmap(project).roadmap
    assert predicted_footprints(project, roadmap) == {
        "E/1": ("core/registry.py", "tests/test_a.py", "tests/test_b.py"),
        "E/2": ("core/registry.py",),
        "E/3": (),
    }


def test_status_json_gives_each_track_its_footprint(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ROADMAP, {**FILES, "gitorch.yaml": "remote: null\n"})
    document = json.loads(run_gitorch(repo, "status", "--json", check=True).stdout)
    tracks = {track["id"]: track for track in document["tracks"]}
    assert tracks["E/2"]["footprint"] == ["core/registry.py"]
    assert tracks["E/3"]["footprint"] == []
    assert tracks["E/1"]["live_footprint"] == [] and tracks["E/1"]["overlaps"] == []


def test_roadmap_json_gives_each_track_its_predicted_footprint(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ROADMAP, {**FILES, "gitorch.yaml": "remote: null\n"})
    document = json.loads(run_gitorch(repo, "roadmap", "--json", check=True).stdout)
    tracks = {t["id"]: t for group in document["groups"] for t in group["tracks"]}
    assert tracks["E/1"]["footprint"] == ["core/registry.py", "tests/test_a.py",
                                          "tests/test_b.py"]
    assert tracks["E/2"]["footprint"] == ["core/registry.py"]
    assert tracks["E/3"]["footprint"] == []


def _roadmap_footprints(repo: Path) -> dict[str, list[str]]:
    document = json.loads(run_gitorch(repo, "roadmap", "--json", check=True).stdout)
    return {t["id"]: t["footprint"] for group in document["groups"] for t in group["tracks"]}


def test_saved_footprints_serve_only_the_commit_and_bodies_they_were_found_for(
        tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ROADMAP, {**FILES, "gitorch.yaml": "remote: null\n"})
    state = StateDir(repo / ".git" / "gitorch")
    _roadmap_footprints(repo)
    assert not state.root.exists(), "only gitorch init makes the state folder"
    run_gitorch(repo, "init", check=True)
    saved = state.predicted_footprints
    assert _roadmap_footprints(repo)["E/1"] == ["core/registry.py", "tests/test_a.py",
                                                "tests/test_b.py"]
    assert json.loads(saved.read_text())["of"]["commit"] == git(repo, "rev-parse", "main").strip()

    (repo / "tests" / "test_c.py").write_text("")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Another test")
    assert _roadmap_footprints(repo)["E/1"][-1] == "tests/test_c.py"

    (repo / "ROADMAP.md").write_text(ROADMAP.replace("Only prose here.", "Edit core/other.py."))
    git(repo, "commit", "-q", "-am", "Docs edit other.py")
    assert _roadmap_footprints(repo)["E/3"] == ["core/other.py"]

    damaged = json.loads(saved.read_text())
    saved.write_text(json.dumps({"of": damaged["of"], "footprints": ["E/3"]}))
    assert _roadmap_footprints(repo)["E/3"] == ["core/other.py"]


def test_a_roadmap_naming_no_paths_has_empty_footprints(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", "# Plan\n\n## Group A: G\n\n### Track 1: T\nWork.\n")
    project = open_project(repo)
    assert predicted_footprints(project, load_roadmap(project).roadmap) == {"A/1": ()}


def test_the_live_footprint_grows_with_each_commit(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ROADMAP, FILES)
    hook.install(gitorch_git.hooks_dir(gitorch_git.discover(repo)))
    track = TrackId("E", "1")
    worktree = tmp_path / "wt"
    git(repo, "worktree", "add", "-q", "-b", "gitorch/e-1", str(worktree))
    hook.mark_worktree(worktree_git_dir(worktree), track)
    state = StateDir(repo / ".git" / "gitorch")

    (worktree / "core" / "registry.py").write_text("x = 2\n")
    git(worktree, "commit", "-q", "-am", "Change the registry")
    assert live_footprint(state, track) == {"core/registry.py"}

    (worktree / "odd\tname é.txt").write_text("odd\n")
    git(worktree, "rm", "-q", "core/other.py")
    git(worktree, "add", "-A")
    git(worktree, "commit", "-q", "-m", "Add and remove")
    assert live_footprint(state, track) == {"core/registry.py", "core/other.py",
                                            "odd\tname é.txt"}
    git(worktree, "commit", "-q", "--allow-empty", "-m", "Nothing")
    events = read_events(state, track)
    assert [len(event.paths) for event in events] == [1, 2, 0]


def test_overlaps_name_both_sides() -> None:
    assert overlaps({"E/1": {"a.py", "b.py"}, "E/2": ["b.py"], "E/3": ["c.py"]}) == {
        "E/1": {"E/2": ("b.py",)}, "E/2": {"E/1": ("b.py",)}}
