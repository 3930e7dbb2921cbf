"""gitorch.roadmap: the plans planners write (DESIGN §16): Task Master's tasks.json, beads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gitorch.roadmap.beads import issue_of
from gitorch.roadmap.model import Roadmap, RoadmapError
from gitorch.roadmap.reader import parse
from gitorch.roadmap.vocabulary import Vocabulary
from gitorch.roadmap.writeback import mark_done

PLANNERS = Path(__file__).parents[1] / "fixtures" / "roadmaps" / "planners"
TASKS = ".taskmaster/tasks/tasks.json"
ISSUES = ".beads/issues.jsonl"


def fixture(name: str) -> str:
    return (PLANNERS / name).read_text(encoding="utf-8")


def shape(roadmap: Roadmap) -> tuple[str, list[object]]:
    """The form, and per group: id, done, prerequisites, and (id, state, dependencies) a track."""
    return roadmap.form, [
        (g.id, g.done, g.prerequisites,
         [(t.id, roadmap.track_state(t.id), t.depends_on) for t in g.tracks])
        for g in roadmap.groups]


def test_task_master_reads_the_master_tag_by_default() -> None:
    roadmap = parse(fixture("tasks.json"), TASKS)
    assert shape(roadmap) == ("taskmaster", [("master", False, (), [
        ("master/1", "done", ()),
        ("master/2", "pending", ("master/1",)),
        ("master/3", "pending", ("master/1",)),
        ("master/4", "blocked", ("master/2", "master/3")),
        ("master/5", "done", ()),  # cancelled
        ("master/6", "blocked", ("master/4",)),  # deferred: still work
    ])])
    writer = roadmap.track("master/2")
    assert (writer.title, writer.line, writer.status) == ("Parquet writer", 15, "pending")
    assert roadmap.track("master/3").status == "in_progress"
    assert writer.body.startswith("Parquet writer for the export feature.\n\n"
                                  "Implement parquet writer.\n\nTest strategy: Unit tests.")
    assert "- [x] 2.1 Schema mapping: Schema mapping.\n  Steps for schema mapping." in writer.body
    assert "- [ ] 2.2 Row groups: Row groups." in writer.body


def test_task_master_reads_the_current_tag() -> None:
    roadmap = parse(fixture("tasks.json"), TASKS, Vocabulary(tag="feature-ui"))
    assert shape(roadmap) == ("taskmaster", [("feature-ui", False, (), [
        ("feature-ui/1", "pending", ()), ("feature-ui/2", "blocked", ("feature-ui/1",))])])


def test_task_master_says_which_other_tags_hold_work() -> None:
    master = parse(fixture("tasks.json"), TASKS)
    assert master.passed_over == ((107, "tag feature-ui", (
        "2 tasks, 2 open; not Task Master's current tag (switch with "
        "`task-master use-tag feature-ui`)")),)
    assert [heading for _, heading, _ in parse(fixture("tasks.json"), TASKS, Vocabulary(
        tag="feature-ui")).passed_over] == ["tag master"]
    assert parse(fixture("tasks-legacy.json"), "tasks/tasks.json").passed_over == ()


def test_task_master_reads_the_format_before_tags() -> None:
    roadmap = parse(fixture("tasks-legacy.json"), "tasks/tasks.json")
    assert shape(roadmap) == ("taskmaster", [("master", False, (), [
        ("master/1", "done", ()), ("master/2", "pending", ("master/1",))])])


@pytest.mark.parametrize(("text", "message"), [
    ('{"master": {"tasks": [}', f"{TASKS}:1: not valid JSON"),
    ('{"master": {"tasks": []}}', f"{TASKS}: tag master has no tasks"),
    ('{"other": {"tasks": []}}', f"{TASKS}: no tasks for tag master (tags here: other)"),
    ('{"tasks": [\n {"id": 1, "dependencies": [7]}]}', f"{TASKS}:2: track master/1 depends on "
                                                      "master/7, which is not in the roadmap"),
])
def test_a_broken_tasks_json_says_where(text: str, message: str) -> None:
    with pytest.raises(RoadmapError) as raised:
        parse(text, TASKS)
    assert str(raised.value).startswith(message)


def test_task_master_landing_changes_only_the_status_value() -> None:
    text = fixture("tasks.json")
    marked = mark_done(text, ["master/2", "master/3", "master/1"], TASKS)
    expected = text.replace('"dependencies": [\n          1\n        ],\n        "status": '
                            '"pending"', '"dependencies": [\n          1\n        ],\n        '
                            '"status": "done"', 1)
    assert marked == expected.replace('"status": "in-progress"', '"status": "done"')
    assert json.loads(marked)["master"]["tasks"][1]["subtasks"][1]["status"] == "pending"
    again = parse(marked, TASKS)
    assert [t.id for t in again.tracks() if t.done] == [
        "master/1", "master/2", "master/3", "master/5"]


def test_task_master_landing_keeps_the_bytes_of_a_compact_file() -> None:
    text = '\ufeff{"tasks":[{"id":1,"title":"A","status":"review"},{"id":2,"title":"B"}]}'
    marked = mark_done(text, ["master/1", "master/2"], TASKS)
    assert marked == ('\ufeff{"tasks":[{"id":1,"title":"A","status":"done"},'
                      '{"status": "done", "id":2,"title":"B"}]}')


def test_beads_epics_are_groups_and_their_children_tracks() -> None:
    roadmap = parse(fixture("issues.jsonl"), ISSUES)
    assert shape(roadmap) == ("beads", [
        ("exp-a1", False, (), [
            ("exp-a1/exp-a1.1", "done", ()),
            ("exp-a1/exp-a1.2", "pending", ("exp-a1/exp-a1.1",)),
            ("exp-a1/exp-a1.3", "pending", ()),
            ("exp-a1/exp-a1.4", "blocked", ("exp-a1/exp-a1.2", "exp-a1/exp-a1.3")),
        ]),
        ("exp-b2", False, ("exp-a1",), [("exp-b2/exp-b2.1", "blocked", ())]),
        ("issues", False, (), [("issues/exp-9zz", "pending", ())]),
    ])
    writer = roadmap.track("exp-a1/exp-a1.2")
    assert (writer.title, writer.line, writer.status, writer.body) == (
        "Writer", 3, "in_progress", "Writer, as the design says.")
    assert issue_of(roadmap, "exp-a1/exp-a1.2") == "exp-a1.2"


def test_a_beads_epic_without_children_is_its_own_track() -> None:
    text = ('{"id":"p-1","title":"Epic","status":"open","issue_type":"epic",'
            '"description":"Do it all."}\n')
    roadmap = parse(text, ISSUES)
    assert shape(roadmap) == ("beads", [("p-1", False, (), [("p-1/1", "pending", ())])])
    assert roadmap.track("p-1/1").body == "Do it all."
    assert issue_of(roadmap, "p-1/1") == "p-1"


@pytest.mark.parametrize(("text", "message"), [
    ('{"id":"a","title":"A"}\n{"id":"b"', f"{ISSUES}:2: not a JSON issue"),
    ('{"id":"a"}\n\n{"id":"a"}\n', f"{ISSUES}:3: duplicate issue a (first at line 1)"),
    ('{"id":"a","dependencies":[{"issue_id":"a","depends_on_id":"zz","type":"blocks"}]}',
     f"{ISSUES}:1: issue a is blocked by zz, which is not in the export"),
])
def test_a_broken_beads_export_says_where(text: str, message: str) -> None:
    with pytest.raises(RoadmapError) as raised:
        parse(text, ISSUES)
    assert str(raised.value).startswith(message)


def test_landing_leaves_a_beads_export_as_it_is() -> None:
    text = fixture("issues.jsonl")
    assert mark_done(text, ["exp-a1/exp-a1.2"], ISSUES) == text


def test_task_master_reads_what_task_master_0_43_writes() -> None:
    # As `task-master set-status --id=1 --status=done` left it: string ids, no final newline.
    text = fixture("tasks-written.json")
    roadmap = parse(text, TASKS)
    assert shape(roadmap) == ("taskmaster", [("master", False, (), [
        ("master/1", "done", ()), ("master/2", "pending", ("master/1",))])])
    marked = mark_done(text, ["master/2"], TASKS)
    start = text.index('"status": "pending"')
    assert marked == text[:start] + '"status": "done"' + text[start + len('"status": "pending"'):]
