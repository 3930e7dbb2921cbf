"""Whole cycles on the plans agent planners write: Spec Kit's tasks.md and GSD's ROADMAP.md."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import AGENTS, git, run_gitorch, sample


def plan_repo(path: Path, name: str, text: str) -> Path:
    """A repository whose plan is at name (no ROADMAP.md), run by the test agent."""
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    (path / name).parent.mkdir(parents=True, exist_ok=True)
    (path / name).write_text(text, encoding="utf-8")
    (path / "gitorch.yaml").write_text(
        f"roadmap:\n  path: {name}\nremote: null\n"
        f"agent:\n  command: [{AGENTS / 'worker.sh'}]\n  timeout: 60s\n", encoding="utf-8")
    (path / ".gitignore").write_text("uncommitted-*\n", encoding="utf-8")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "Initial commit")
    return path


def read_plan(repo: Path) -> dict[str, object]:
    document = json.loads(run_gitorch(repo, "roadmap", "--json", check=True).stdout)
    assert isinstance(document, dict)
    return document


def states(document: dict[str, object]) -> dict[str, str]:
    groups = document["groups"]
    assert isinstance(groups, list)
    return {track["id"]: track["state"] for group in groups for track in group["tracks"]}


def run_until_done(repo: Path, rounds: int) -> list[list[str]]:
    """start --wait --land until every track is done; which tracks each round landed."""
    landed = []
    for _ in range(rounds):
        before = states(read_plan(repo))
        run_gitorch(repo, "start", "--wait", "--land", check=True, timeout=120)
        after = states(read_plan(repo))
        landed.append(sorted(t for t, state in after.items()
                             if state == "done" != before[t]))
        if all(state == "done" for state in after.values()):
            break
    return landed


def changed_lines(before: str, after: str) -> dict[int, str]:
    old, new = before.splitlines(), after.splitlines()
    assert len(old) == len(new)
    return {n: b for n, (a, b) in enumerate(zip(old, new, strict=True), 1) if a != b}


def test_a_spec_kit_plan_runs_phase_by_phase(tmp_path: Path) -> None:
    text = sample("speckit-style.md")
    repo = plan_repo(tmp_path / "repo", "specs/004-export/tasks.md", text)
    assert read_plan(repo)["form"] == "speckit"
    dry = run_gitorch(repo, "start", "--dry-run", check=True).stdout
    assert "Would start Group 2, Track T003: Round-trip test" in dry
    assert "T005" not in dry  # it waits on T003 and T004
    assert run_until_done(repo, 8) == [
        ["2/T003", "2/T004"], ["2/T005"], ["2/T006"], ["2/T007"], ["3/T008"], ["3/T009"]]
    after = (repo / "specs/004-export/tasks.md").read_text(encoding="utf-8")
    assert changed_lines(text, after) == {
        27: "- [x] T003 [P] [US1] Round-trip test in tests/test_export_roundtrip.py",
        28: "- [x] T004 [P] [US1] Schema test in tests/test_export_schema.py",
        32: "- [x] T005 [US1] Writer in src/export/writer.py (depends on T003, T004)",
        33: "- [x] T006 [P] [US1] CLI flag `--parquet` in src/cli.py",
        34: "- [x] T007 [US1] Docs in docs/export.md",
        42: "- [x] T008 [US2] Batch export in src/export/batch.py",
        43: "- [x] T009 [P] [US2] Progress bar in src/export/progress.py"}
    files = git(repo, "ls-files").split()
    assert {"track-2-T003.txt", "track-3-T009.txt"} <= set(files)
    assert not git(repo, "for-each-ref", "refs/gitorch/claims")  # every claim dropped


def test_a_gsd_plan_runs_its_plans_then_the_next_phase(tmp_path: Path) -> None:
    text = sample("gsd-style.md")
    repo = plan_repo(tmp_path / "repo", ".planning/ROADMAP.md", text)
    assert read_plan(repo)["form"] == "gsd"
    started = run_gitorch(repo, "start", "--wait", check=True, timeout=120).stdout
    assert started.count("completed successfully") == 3
    branches = git(repo, "for-each-ref", "--format=%(refname:short)",
                   "refs/heads/gitorch").split()
    assert branches == ["gitorch/3/03-01/statement-model", "gitorch/3/03-02/renderer",
                        "gitorch/3/03-03/cli-command"]
    assert (tmp_path / "repo.tracks" / "group_3_track_03-01").is_dir()
    claims = git(repo, "for-each-ref", "--format=%(refname)", "refs/gitorch/claims").split()
    assert claims == ["refs/gitorch/claims/3/03-01", "refs/gitorch/claims/3/03-02",
                      "refs/gitorch/claims/3/03-03"]
    run_gitorch(repo, "land", check=True, timeout=120)
    assert run_until_done(repo, 3) == [["4/1"]]
    after = (repo / ".planning/ROADMAP.md").read_text(encoding="utf-8")
    assert changed_lines(text, after) == {
        35: "- [x] **Phase 3: Reports** - Monthly statements",
        36: "- [x] **Phase 4: Export** - CSV export of statements",
        46: "- [x] 03-01-PLAN.md — Statement model",
        47: "- [x] 03-02-PLAN.md — Renderer",
        48: "- [x] 03-03-PLAN.md — CLI command"}


def test_gitorch_roadmap_says_what_it_read_and_fails_in_one_line(tmp_path: Path) -> None:
    repo = plan_repo(tmp_path / "repo", "tasks.md", sample("speckit-style.md"))
    shown = run_gitorch(repo, "roadmap", check=True).stdout.splitlines()
    assert shown[0] == "tasks.md: read as speckit, 3 groups, 9 tracks"
    assert "  line   32    2/T005: Writer in src/export/writer.py (depends on T003, T004)  " \
           "[blocked]  after 2/T003, 2/T004" in shown
    assert "  line    9  Format: `[ID] [P?] [Story] Description`: no group or track word, " \
           "and no task checkboxes under it" in shown
    (repo / "tasks.md").write_text("# Notes\n\nTask 1 is prose, and so is Phase 2.\n")
    git(repo, "commit", "-q", "-am", "Prose only")
    failed = run_gitorch(repo, "roadmap", "--json")
    assert failed.returncode == 1 and failed.stdout == ""
    assert failed.stderr.startswith("Error: tasks.md: no groups found (tried the forms ")
    assert failed.stderr.count("\n") == 1 and "roadmap.format" in failed.stderr
