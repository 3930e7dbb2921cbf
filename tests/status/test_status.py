"""`gitorch status` from every place a user may stand, in text and JSON."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from helpers import agent_repo, git, make_repo, run_gitorch, sample


def status_json(cwd: Path) -> dict[str, object]:
    done = run_gitorch(cwd, "status", "--json", check=True)
    document = json.loads(done.stdout)
    assert isinstance(document, dict)
    return document


def test_same_document_from_root_subfolder_and_linked_worktree(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", sample("seed-style.md"), {"src/pkg/mod.py": "x = 1\n"})
    git(repo, "worktree", "add", "-q", str(tmp_path / "side"), "-b", "side")
    (tmp_path / "side" / "deep").mkdir()
    documents = [status_json(repo), status_json(repo / "src" / "pkg"),
                 status_json(tmp_path / "side"), status_json(tmp_path / "side" / "deep")]
    assert all(document == documents[0] for document in documents)
    assert documents[0]["repo"] == str(repo)


def test_seed_style_shape_and_states(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", sample("seed-style.md"))
    document = status_json(repo)
    assert document["group"] == {"id": "E", "title": "Algorithm Foundation"}
    groups = {g["id"]: g for g in document["groups"]}  # type: ignore[attr-defined]
    assert [g for g in groups] == ["A", "B", "C", "D", "E", "F", "G"]
    assert groups["D"]["done"] and not groups["E"]["done"]
    assert groups["F"]["depends_on"] == ["A", "B", "C", "D", "E"]
    tracks = {t["id"]: t for t in document["tracks"]}  # type: ignore[attr-defined]
    assert list(tracks) == ["E/1", "E/2", "E/3", "E/4", "E/5"]
    assert [tracks[f"E/{n}"]["state"] for n in range(1, 6)] == ["pending"] * 4 + ["blocked"]
    assert tracks["E/5"]["depends_on"] == ["E/1", "E/2", "E/3", "E/4"]
    first = tracks["E/1"]
    assert first["branch"] == "gitorch/E/1/registry-infrastructure"
    assert first["worktree"] == str(tmp_path / "repo.tracks" / "group_E_track_1")
    assert first["log"] == str(repo / ".git" / "gitorch" / "logs" / "group_E_track_1.log")
    for key in ("group", "number", "title", "phase", "pid", "alive", "host", "commits",
                "last_commit", "started_at", "updated_at"):
        assert key in first


def test_ready_later_group_is_listed_after_the_current_one(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", sample("list-style.md"))
    document = status_json(repo)
    assert document["group"] == {"id": "C", "title": "Planner"}
    ids = [t["id"] for t in document["tracks"]]  # type: ignore[attr-defined]
    assert ids == ["C/1", "C/2", "C/3", "C/4", "D/1", "D/2"]


def test_text_output_shows_groups_tracks_and_what_waits(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", sample("seed-style.md"))
    done = run_gitorch(repo, "status", check=True)
    lines = done.stdout.splitlines()
    assert lines[1].startswith("Groups  ✓ A  ✓ B")
    assert "▶ E Algorithm Foundation" in lines[1]
    last = next(line for line in lines if line.strip().startswith("E/5"))
    assert "blocked" in last and last.endswith("waits on E/1, E/2, E/3, E/4")
    assert "\x1b[" not in done.stdout


def test_warns_when_the_main_worktree_copy_differs(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", sample("seed-style.md"))
    with (repo / "ROADMAP.md").open("a") as roadmap:
        roadmap.write("\n## Group H: Later\n### Track 1: More\n")
    done = run_gitorch(repo, "status", "--json", check=True)
    warnings = done.stderr.splitlines()
    assert len(warnings) == 1
    assert warnings[0].startswith("Warning: ROADMAP.md in ")
    assert "differs from main" in warnings[0]
    assert [g["id"] for g in json.loads(done.stdout)["groups"]][-1] == "G"


def test_every_group_done(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", "## Group A: Only ✅\n### Track 1: Done ✅\n")
    done = run_gitorch(repo, "status", check=True)
    assert "Every group is done." in done.stdout
    assert status_json(repo)["tracks"] == []


def test_a_track_done_by_trailer_after_failing_shows_no_stale_reason(tmp_path: Path) -> None:
    repo = agent_repo(tmp_path / "repo")
    run_gitorch(repo, "init", check=True)
    run_gitorch(repo, "start", "-t", "A/1", "--wait", env={"AGENT_FAIL_PHASE": "review"})
    worktree = tmp_path / "repo.tracks" / "group_A_track_1"
    git(worktree, "commit", "-q", "--allow-empty", "-m", "Finish by hand\n\nGitorch-Done: true")
    track = json.loads(run_gitorch(repo, "status", "--json", check=True).stdout)["tracks"][0]
    assert (track["state"], track["reason"]) == ("done", None)


def test_json_loads_no_cli_and_says_the_same(tmp_path: Path) -> None:
    """`status --json` is polled by scripts: it answers without click and the CLI."""
    repo = make_repo(tmp_path / "repo", sample("seed-style.md"))
    probe = ("import sys; sys.argv = ['gitorch', 'status', '--json']; "
             "from gitorch.entry import main; main(); "
             "print(sorted(m for m in sys.modules if m.split('.')[0] == 'click'"
             " or m.startswith('gitorch.cli')), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", probe], cwd=repo, capture_output=True,
                          text=True, check=True)
    assert done.stderr == "[]\n"
    assert json.loads(done.stdout) == json.loads(
        run_gitorch(repo, "status", "--json", "--no-fetch", check=True).stdout)


def test_json_outside_a_repository_is_one_line(tmp_path: Path) -> None:
    done = run_gitorch(tmp_path, "status", "--json")
    assert done.returncode == 1 and done.stdout == ""
    assert len(done.stderr.splitlines()) == 1 and done.stderr.startswith("Error: ")


def test_done_tracks_are_checked_with_one_git_process_not_one_each(tmp_path: Path) -> None:
    """Whether land would refuse a done track is asked of git once for every track."""
    repo = agent_repo(tmp_path / "repo")
    run_gitorch(repo, "start", "--wait", check=True)
    shim, calls = tmp_path / "shim", tmp_path / "calls"
    shim.mkdir()
    (shim / "git").write_text(f'#!/bin/sh\necho "$*" >> {calls}\n'
                              f'exec {shutil.which("git")} "$@"\n')
    (shim / "git").chmod(0o755)
    document = json.loads(run_gitorch(repo, "status", "--json", check=True,
                                      env={"PATH": f"{shim}:{os.environ['PATH']}"}).stdout)
    assert [t["state"] for t in document["tracks"]] == ["done"] * 4 + ["blocked"]
    asked = calls.read_text().splitlines()
    assert [c.split()[0] for c in asked].count("rev-list") == 1, asked
    assert not [c for c in asked if c.startswith("rev-parse --verify")], asked


def test_json_imports_only_what_its_answer_needs(tmp_path: Path) -> None:
    """With the roadmap kept parsed (start parsed it) and the dataclasses' code kept (by a
    first status), a status of done tracks with no remote compiles no method and imports no
    plan reader, no writer's tempfile, no pack reader, no fetcher, no strptime and no inspect
    (nor its ast): each cost every status milliseconds."""
    repo = agent_repo(tmp_path / "repo")
    run_gitorch(repo, "start", "--wait", check=True)
    first = run_gitorch(repo, "status", "--json", check=True)
    assert (repo / ".git" / "gitorch" / "compiled-dataclasses.marshal").is_file()
    unwanted = ["_strptime", "ast", "gitorch.git.objects", "gitorch.roadmap.beads",
                "gitorch.roadmap.lines", "gitorch.roadmap.reader", "gitorch.roadmap.taskmaster",
                "gitorch.status.fetching", "hashlib", "tempfile"]
    probe = ("import sys; sys.argv = ['gitorch', 'status', '--json']; "
             "import gitorch.compiled; gitorch.compiled.compile = None; "
             "from gitorch.entry import main; main(); "
             f"print(sorted(set(sys.modules) & set({unwanted!r})), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", probe], cwd=repo, text=True,
                          capture_output=True, check=False)
    assert done.returncode == 0 and done.stderr == "[]\n", done.stderr
    assert json.loads(done.stdout)["tracks"] == json.loads(first.stdout)["tracks"]
    assert [t["state"] for t in json.loads(done.stdout)["tracks"]] == ["done"] * 4 + ["blocked"]
