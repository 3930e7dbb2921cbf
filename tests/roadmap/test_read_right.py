"""Plans gitorch read, but not as their authors meant (DESIGN §16): now read as meant."""

from __future__ import annotations

from pathlib import Path

from gitorch.roadmap.model import Roadmap
from gitorch.roadmap.reader import parse
from gitorch.roadmap.writeback import mark_done
from tests.helpers import sample
from tests.roadmap.test_planners import shape

HERE = Path(__file__).parents[1] / "fixtures" / "roadmaps" / "read-right"


def read(name: str, path: str = "tasks.md") -> Roadmap:
    return parse((HERE / name).read_text(encoding="utf-8"), path)


def test_kiro_sub_tasks_written_flush_are_steps_and_in_progress_is_read() -> None:
    roadmap = read("kiro-tasks.md", ".kiro/specs/login/tasks.md")
    assert shape(roadmap) == ("checklist", [("1", False, (), [
        ("1/1", "done", ()), ("1/2", "pending", ()), ("1/3", "pending", ()),
        ("1/4", "done", ())])])  # every step of task 4 is ticked
    models = roadmap.track("1/2")
    assert (models.title, models.status) == ("Implement the data models", "in_progress")
    assert models.body == ("- [x] 2.1 Write the User model\n  - Validate the email address\n"
                           "  - _Requirements: 2.1_\n- [ ] 2.2 Write the Session model\n"
                           "  - _Requirements: 2.2_")
    text = (HERE / "kiro-tasks.md").read_text(encoding="utf-8")
    marked = mark_done(text, ["1/2"], ".kiro/specs/login/tasks.md")
    assert marked == text.replace("- [-] 2. Implement", "- [x] 2. Implement")


def test_openspec_tasks_whose_steps_are_all_ticked_are_done() -> None:
    roadmap = read("openspec-tasks.md", "openspec/changes/export/tasks.md")
    assert shape(roadmap) == ("checklist", [
        ("1", False, (), [("1/1.1", "done", ()), ("1/1.2", "pending", ())]),
        ("2", False, ("1",), [("2/2.1", "blocked", ())])])


def test_bold_task_ids_are_ids() -> None:
    roadmap = read("bold-ids.md", "specs/009-sync/tasks.md")
    assert shape(roadmap) == ("speckit", [("1", False, (), [
        ("1/T044", "done", ()), ("1/T045", "pending", ("1/T044",)),
        ("1/T046", "pending", ("1/T044",)), ("1/T047", "blocked", ("1/T045", "1/T046"))])])
    assert [t.title for t in roadmap.tracks()] == [
        "Add the sync package", "Add the writer in src/sync/writer.py", "Add `clock.py`",
        "Wire both in src/sync/__init__.py"]


def test_titles_lose_the_markup_they_were_written_with() -> None:
    roadmap = read("markup-titles.md", "ROADMAP.md")
    assert [t.title for t in roadmap.tracks()] == [
        "Parser for the `toml` files", "Writer", "reindex"]


def test_spec_kit_landing_ticks_tasks_and_leaves_phase_headings() -> None:
    text = sample("speckit-style.md")
    marked = mark_done(text, ["3/T008", "3/T009"], "specs/004-export/tasks.md")
    assert marked == text.replace("- [ ] T008", "- [x] T008").replace(
        "- [ ] T009", "- [x] T009")


def test_gsd_waves_order_plans_and_progress_marks_phases_done() -> None:
    roadmap = read("gsd-waves.md", ".planning/ROADMAP.md")
    assert shape(roadmap) == ("gsd", [
        ("1", True, (), [("1/01-01", "done", ())]),
        ("2", True, ("1",), [("2/02-01", "done", ()), ("2/02-02", "done", ())]),
        ("3", False, ("2",), [
            ("3/03-01", "pending", ()), ("3/03-02", "pending", ()),
            ("3/03-03", "blocked", ("3/03-01", "3/03-02")),
            ("3/03-04", "blocked", ("3/03-03",))]),
    ])
    assert roadmap.track("3/03-03").title == "CLI command"


def test_group_words_of_other_languages_are_read() -> None:
    roadmap = read("fase.md", "ROADMAP.md")
    assert shape(roadmap) == ("tracks", [
        ("1", True, (), [("1/1", "done", ())]),
        ("2", False, ("1",), [("2/1", "pending", ()), ("2/2", "blocked", ("2/1",))]),
    ])
    assert roadmap.group("2").title == "API"


def test_a_status_table_lists_tracks_and_landing_writes_done_in_it() -> None:
    roadmap = read("status-table.md", "ROADMAP.md")
    assert shape(roadmap) == ("tracks", [
        ("1", False, (), [("1/1.1", "done", ()), ("1/1.2", "pending", ()),
                          ("1/1.3", "pending", ())]),
        ("2", False, ("1",), [("2/1", "blocked", ())]),
    ])
    assert [(t.title, t.line, t.status) for t in roadmap.tracks()] == [
        ("Parser", 7, "done"), ("Writer", 8, "in_progress"), ("cli", 9, "pending"),
        ("Docs", 15, "pending")]
    text = (HERE / "status-table.md").read_text(encoding="utf-8")
    marked = mark_done(text, ["1/1.3"], "ROADMAP.md")
    assert marked == text.replace("| `cli` | ana | Todo |", "| `cli` | ana | Done |")
