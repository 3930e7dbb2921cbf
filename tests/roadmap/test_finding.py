"""Finding the plan (DESIGN §16): every place planners keep one, open work first, errors said."""

from __future__ import annotations

from pathlib import Path

from gitorch.roadmap.finding import find_plan, plans
from tests.helpers import SAMPLES, git, run_gitorch, sample

PLANNERS = SAMPLES / "planners"


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


def test_every_place_is_looked_in_and_open_work_is_preferred(tmp_path: Path) -> None:
    write(tmp_path, {
        "ROADMAP.md": "## Phase 1: Done ✅\n- [x] Task 1: old\n",
        ".planning/workstreams/api/ROADMAP.md": sample("gsd-style.md"),
        "specs/001-old/tasks.md": "## Phase 1: Setup\n- [x] T001 Scaffold\n",
        "specs/002-new/tasks.md": sample("speckit-style.md"),
        ".kiro/specs/login/tasks.md": "- [ ] 1. Form\n- [ ] 2. Session\n",
        "openspec/changes/add-export/tasks.md": "## 1. Export\n- [ ] 1.1 Writer\n",
        "openspec/changes/archive/old/tasks.md": "## 1. Old\n- [ ] 1.1 Gone\n",
        ".taskmaster/tasks/tasks.json": (PLANNERS / "tasks.json").read_text(),
        ".beads/issues.jsonl": (PLANNERS / "issues.jsonl").read_text(),
    })
    assert [p.name for p in plans(tmp_path)] == [
        "ROADMAP.md", ".planning/workstreams/api/ROADMAP.md", "specs/002-new/tasks.md",
        "specs/001-old/tasks.md", ".kiro/specs/login/tasks.md",
        "openspec/changes/add-export/tasks.md", ".taskmaster/tasks/tasks.json",
        ".beads/issues.jsonl"]
    found = find_plan(tmp_path)
    assert found is not None and found[0] == ".planning/workstreams/api/ROADMAP.md"


def test_spec_kit_current_feature_comes_first(tmp_path: Path) -> None:
    write(tmp_path, {
        "specs/001-old/tasks.md": "## Phase 1: Setup\n- [ ] T001 Scaffold\n",
        "specs/002-new/tasks.md": "## Phase 1: Setup\n- [ ] T001 Other\n",
        ".specify/feature.json": '{"feature_directory": "specs/001-old"}\n',
    })
    found = find_plan(tmp_path)
    assert found is not None and found[0] == "specs/001-old/tasks.md"


def test_a_plan_that_cannot_be_read_is_said_with_its_error(tmp_path: Path) -> None:
    write(tmp_path, {".taskmaster/tasks/tasks.json": '{"master": {"tasks": [\n}',
                     ".planning/ROADMAP.md": sample("gsd-style.md")})
    summaries = [plan.summary() for plan in plans(tmp_path)]
    assert summaries == [
        ".planning/ROADMAP.md: read as gsd, 4 groups and 7 tracks, 4 open",
        ".taskmaster/tasks/tasks.json: cannot be read (.taskmaster/tasks/tasks.json:2: not "
        "valid JSON (Expecting value); run `task-master validate-dependencies` or fix it by "
        "hand)"]


def test_commands_run_the_plan_found_when_roadmap_is_unset(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    write(repo, {".planning/ROADMAP.md": sample("gsd-style.md"),
                 ".beads/issues.jsonl": '{"id": "x-1", "title": "broken"\n'})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Plan")
    shown = run_gitorch(repo, "roadmap", check=True).stdout.splitlines()
    assert shown[0] == ".planning/ROADMAP.md: read as gsd, 4 groups, 7 tracks"
    assert "  .beads/issues.jsonl: cannot be read (.beads/issues.jsonl:1: not a JSON issue " \
           "(Expecting ',' delimiter); export again with `bd export`)" in shown
    done = run_gitorch(repo, "init", check=True).stdout
    assert "also considered .beads/issues.jsonl: cannot be read" in done


def test_plans_are_found_and_read_with_the_configured_words(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    # Words of this team's own: with the default words the plan holds no groups at all.
    write(repo, {"gitorch.yaml": "roadmap:\n  group_words: [Etappe]\n  track_words: [Paket]\n",
                 "PLAN.md": "## Etappe 1: Kern\n### Paket 1: Parser\n### Paket 2: Schreiber\n"
                            "Depends on: Paket 1\n"})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Plan")
    shown = run_gitorch(repo, "roadmap", check=True).stdout.splitlines()
    assert shown[:4] == ["PLAN.md: read as tracks, 1 groups, 2 tracks",
                         "  line    1  group 1: Kern  [pending]",
                         "  line    2    1/1: Parser  [pending]",
                         "  line    3    1/2: Schreiber  [blocked]  after 1/1"]
