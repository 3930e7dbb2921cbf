"""gitorch.roadmap: the forms people write (DESIGN §11): words, checklists, Spec Kit, GSD."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitorch.roadmap.model import Roadmap, RoadmapError
from gitorch.roadmap.reader import parse
from gitorch.roadmap.vocabulary import Vocabulary
from gitorch.roadmap.writeback import mark_done

SAMPLES = Path(__file__).parents[1] / "fixtures" / "roadmaps"
WORDS = {"french-roadmap.md": Vocabulary(group_words=("Étape",), done_words=("terminé",)),
         "korean-roadmap.md": Vocabulary(group_words=("단계",), done_words=("완료",))}


def read(name: str) -> Roadmap:
    return parse((SAMPLES / name).read_text(encoding="utf-8"), name,
                 WORDS.get(name, Vocabulary()))


def shape(roadmap: Roadmap) -> tuple[str, list[object]]:
    """The form, and per group: id, done, prerequisites, and (id, state, dependencies) a track."""
    return roadmap.form, [
        (g.id, g.done, g.prerequisites,
         [(t.id, roadmap.track_state(t.id), t.depends_on) for t in g.tracks])
        for g in roadmap.groups]


# Each form, read to the exact groups, tracks, ids, dependencies and states.
SHAPES: dict[str, tuple[str, list[object]]] = {
    'speckit-tasks.md': ('speckit', [
        ('1', True, (), [
            ('1/T001', 'done', ()),
            ('1/T002', 'done', ('1/T001',)),
            ('1/T003', 'done', ('1/T001',)),
        ]),
        ('2', False, ('1',), [
            ('2/T004', 'pending', ()),
            ('2/T005', 'blocked', ('2/T004',)),
            ('2/T006', 'blocked', ('2/T004',)),
        ]),
        ('3', False, ('1', '2'), [
            ('3/T007', 'blocked', ()),
            ('3/T008', 'blocked', ()),
            ('3/T009', 'blocked', ('3/T007', '3/T008', '2/T004', '2/T005')),
            ('3/T010', 'blocked', ('3/T009',)),
            ('3/T011', 'blocked', ('3/T010',)),
        ]),
        ('4', False, ('1', '2', '3'), [
            ('4/T012', 'blocked', ()),
            ('4/T013', 'blocked', ('4/T012',)),
            ('4/T014', 'blocked', ('4/T012', '4/T013')),
        ]),
    ]),
    'gsd-roadmap.md': ('gsd', [
        ('1', True, (), [
            ('1/01-01', 'done', ()),
            ('1/01-02', 'done', ()),
        ]),
        ('2', True, ('1',), [
            ('2/02-01', 'done', ()),
        ]),
        ('3', False, ('2',), [
            ('3/03-01', 'pending', ()),
            ('3/03-02', 'pending', ()),
            ('3/03-03', 'pending', ()),
        ]),
        ('3.1', False, ('3',), [
            ('3.1/03.1-01', 'blocked', ()),
        ]),
        ('4', False, ('3', '3.1'), [
            ('4/1', 'blocked', ()),
        ]),
    ]),
    'openspec-tasks.md': ('checklist', [
        ('1', False, (), [
            ('1/1.1', 'done', ()),
            ('1/1.2', 'pending', ()),
        ]),
        ('2', False, ('1',), [
            ('2/2.1', 'blocked', ()),
            ('2/2.2', 'blocked', ()),
        ]),
        ('3', False, ('1', '2'), [
            ('3/3.1', 'blocked', ()),
        ]),
    ]),
    'kiro-tasks.md': ('checklist', [
        ('1', False, (), [
            ('1/1', 'done', ()),
            ('1/2', 'pending', ()),
            ('1/3', 'pending', ()),
        ]),
    ]),
    'phase-sections.md': ('tracks', [
        ('1', True, (), [
            ('1/1', 'done', ()),
        ]),
        ('2', False, ('1',), [
            ('2/1', 'pending', ()),
        ]),
        ('3', False, ('1', '2'), [
            ('3/1', 'blocked', ()),
        ]),
    ]),
    'week-tracks.md': ('tracks', [
        ('1', False, (), [
            ('1/1', 'pending', ()),
            ('1/2', 'pending', ()),
            ('1/3', 'blocked', ('1/1',)),
            ('1/4', 'pending', ()),
            ('1/5', 'done', ()),
        ]),
    ]),
    'milestone-nested.md': ('checklist', [
        ('1', True, (), [
            ('1/TASK-001', 'done', ()),
            ('1/TASK-002', 'done', ('1/TASK-001',)),
        ]),
        ('2', False, ('1',), [
            ('2/TASK-003', 'pending', ('1/TASK-002',)),
        ]),
        ('v0.3', False, ('1', '2'), [
            ('v0.3/1', 'blocked', ()),
            ('v0.3/2', 'done', ()),
        ]),
        ('4', False, ('1', '2', 'v0.3'), [
            ('4/1', 'blocked', ()),
        ]),
    ]),
    'french-roadmap.md': ('checklist', [
        ('1', True, (), [
            ('1/1', 'done', ()),
            ('1/2', 'done', ()),
        ]),
        ('2', False, ('1',), [
            ('2/1', 'pending', ()),
            ('2/2', 'pending', ()),
        ]),
        ('3', False, ('1', '2'), [
            ('3/1', 'blocked', ()),
        ]),
    ]),
    'korean-roadmap.md': ('checklist', [
        ('1', True, (), [
            ('1/1.1', 'done', ()),
            ('1/1.2', 'done', ()),
        ]),
        ('2', False, ('1',), [
            ('2/2.1', 'pending', ()),
            ('2/2.2', 'pending', ()),
        ]),
    ]),
}


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_every_form_reads_to_its_exact_shape(name: str) -> None:
    assert shape(read(name)) == SHAPES[name]


def test_design_samples_read_as_design_says() -> None:
    speckit = read("speckit-style.md")
    assert speckit.form == "speckit"
    assert speckit.current_group() == speckit.group("2")
    assert [t.id for t in speckit.ready_tracks()][:2] == ["2/T003", "2/T004"]
    assert speckit.track("2/T005").depends_on == ("2/T003", "2/T004")
    assert speckit.track("2/T006").depends_on == ("2/T005",)
    assert speckit.track("2/T007").depends_on == ("2/T006",)
    gsd = read("gsd-style.md")
    assert gsd.form == "gsd"
    assert gsd.current_group() == gsd.group("3")
    assert [t.id for t in gsd.group("3").tracks] == ["3/03-01", "3/03-02", "3/03-03"]
    assert [t.id for t in gsd.ready_tracks()] == ["3/03-01", "3/03-02", "3/03-03"]
    assert gsd.waiting_on("4/1") == ("Group 3",)


def test_titles_bodies_and_lines_as_written() -> None:
    speckit = read("speckit-tasks.md")
    track = speckit.track("4/T013")
    assert (track.title, track.body, track.line) == (
        "Conflict dialog in src/ui/conflict.py, after T012", "- Show both versions side by side.",
        55)
    gsd = read("gsd-roadmap.md")
    assert [(t.title, t.line) for t in gsd.group("3").tracks] == [
        ("Constituent model", 51), ("Least-squares fit", 52), ("Forecast command", 53)]
    assert gsd.group("3").marks == (36,)  # the summary's checkbox is the phase's marker
    only = gsd.track("4/1")  # a phase with no plans is one track, its details the prompt
    assert (only.title, only.body.splitlines()[0]) == ("Publish", "**Goal**: Forecasts over HTTP")
    kiro = read("kiro-tasks.md")
    assert kiro.track("1/2").body.splitlines() == [
        "- [ ] 2.1 Tokenizer for the query language", "  - _Requirements: 2.1, 2.2_",
        "- [ ] 2.2 Parser producing the syntax tree", "  - _Requirements: 2.3_"]
    assert read("week-tracks.md").groups[0].title == "Launch week"
    assert read("phase-sections.md").track("2/1").body == (
        "Store records in the schema from phase 1.")


def test_headings_passed_over_say_why() -> None:
    assert read("speckit-tasks.md").passed_over == (
        (5, "Tasks: Offline Sync", "no group or track word, and no task checkboxes under it"),
        (10, "Format: `[ID] [P?] [Story] Description`",
         "no group or track word, and no task checkboxes under it"),
        (39, "Tests for User Story 1", "a section of group 3"),
        (44, "Implementation for User Story 1", "a section of group 3"),
        (59, "Dependencies & Execution Order",
         "no group or track word, and no task checkboxes under it"))
    nested = read("milestone-nested.md").passed_over
    assert (3, "Milestone 1: Core", "it holds the groups below it") in nested


@pytest.mark.parametrize(("heading", "group_id"), [
    ("## Phase 1: Setup", "1"),
    ("## Milestone M1 - First cut", "M1"),
    ("## Stage 2.1: Inserted", "2.1"),
    ("## Sprint 04-01 — April", "04-01"),
    ("## Version v0.3: Polish", "v0.3"),
    ("## Epic A: Accounts", "A"),
    ("## Week 3", "3"),
    ("## Day 12 Launch", "12"),
    ("## Quarter Q3: Scale", "Q3"),
    ("## **Wave 2**: Later", "2"),
])
def test_group_words(heading: str, group_id: str) -> None:
    assert [g.id for g in parse(f"{heading}\n### Task 1: One\n").groups] == [group_id]


@pytest.mark.parametrize("heading", [
    "## Release Notes: 2024", "## Part of the plan", "## Phase Details", "## Milestones",
    "## Version history", "## Week overview", "## Stage T$(id): x", "## Phase ../x: up",
])
def test_headings_that_are_not_groups(heading: str) -> None:
    roadmap = parse(f"{heading}\nText.\n## Phase 9: Real\n")
    assert [g.id for g in roadmap.groups] == ["9"]


def test_configured_words_replace_the_defaults() -> None:
    words = Vocabulary(group_words=("Lot",), track_words=("Chantier",))
    roadmap = parse("## Lot 1 : Base\n### Chantier 1.1 : Dépôt\n## Phase 2: ignored\n",
                    "ROADMAP.md", words)
    assert [(g.id, [t.id for t in g.tracks]) for g in roadmap.groups] == [("1", ["1/1.1"])]


@pytest.mark.parametrize(("line", "done"), [
    ("## Phase 1: A ✅ Complete", True),
    ("## Phase 1: A (completed)", True),
    ("## Phase 1: A **SHIPPED**", True),
    ("## Phase 1: A [Done]", True),
    ("## Phase 1: A\n**Status**: Done", True),
    ("## Phase 1: A\nStatus: ✅ complete", True),
    ("## Phase 1: A\n**Status**: Not started", False),
    ("## Phase 1: A\n- [ ] Only item ✅", False),  # a checkbox wins over words in its text
    ("## Phase 1: A\n- [x] Only item (pending)", True),
    ("## Phase 1: A, completely rewritten", False),
])
def test_done_markers_as_people_write_them(line: str, done: bool) -> None:
    assert parse(line + "\n").groups[0].done is done


def test_done_words_from_the_config() -> None:
    words = Vocabulary(done_words=("fini",))
    assert parse("## Phase 1: A (fini)\n", "ROADMAP.md", words).groups[0].done
    assert not parse("## Phase 1: A (fini)\n").groups[0].done


@pytest.mark.parametrize(("text", "ids"), [
    ("## Tasks\n- [ ] ../x escape\n- [ ] T$(id) run\n", ["1/1", "1/2"]),
    ("## Phase 1: A\n### Track ../x: up\n", ["1/1"]),
    ("## Phase 1: A\n- [ ] T012 [P] one\n- [ ] 04-01: two\n- [ ] 1.2 three\n",
     ["1/T012", "1/04-01", "1/1.2"]),
])
def test_hostile_ids_never_become_ids(text: str, ids: list[str]) -> None:
    assert [t.id for t in parse(text).tracks()] == ids


@pytest.mark.parametrize(("text", "message"), [
    ("## Phase 1: A\n### Track a.lock: x\n",
     "ROADMAP.md:2: track id a.lock may not start with '.' or '-', end with '.' or '.lock', "
     "or hold '..'"),
    ("## Phase 1: A\n- [ ] 1.LOCK x\n",
     "ROADMAP.md:2: track id 1.LOCK may not start with '.' or '-', end with '.' or '.lock', "
     "or hold '..'"),
    ("## Phase 1: A\n- [ ] T" + "1" * 40 + " long\n",
     f"ROADMAP.md:2: track id T{'1' * 38}\u2026 is too long (at most 32 characters)"),
    ("## Phase 1: A\n- [ ] T001 x\n- [ ] T001 y\n",
     "ROADMAP.md:3: duplicate track 1/T001 (first at line 2)"),
    ("## Phase 1: A\n- [ ] T001 x (depends on T009)\n",
     "ROADMAP.md:2: track 1/T001 depends on 1/T009, which is not in the roadmap"),
    ("## Phase 1: A\n- [ ] T001 x (after T002)\n- [ ] T002 y\n",
     "ROADMAP.md:2: dependency cycle: 1/T001 -> 1/T002 -> 1/T001"),
    ("### Phase 2: B\n**Depends on**: Phase 7\n",
     "ROADMAP.md:2: group 2 needs group 7, which is not in the roadmap"),
])
def test_errors_in_the_new_forms(text: str, message: str) -> None:
    with pytest.raises(RoadmapError) as caught:
        parse(text)
    assert str(caught.value) == message


def test_prose_never_makes_a_track() -> None:
    text = ("# Notes\n\nWe will do Task 1 and then Phase 2 after lunch.\n\n"
            "- Track 3 must land first\n- Phase 4 is later\n")
    with pytest.raises(RoadmapError, match=r"^ROADMAP\.md: no groups found \(tried the forms"):
        parse(text)


def test_a_forced_format() -> None:
    text = (SAMPLES / "openspec-tasks.md").read_text(encoding="utf-8")
    speckit = parse(text, "tasks.md", Vocabulary(format="speckit"))
    assert speckit.form == "speckit"
    assert speckit.track("2/2.2").depends_on == ("2/2.1",)  # no [P]: one after another
    with pytest.raises(RoadmapError, match="no groups found"):
        parse(text, "tasks.md", Vocabulary(format="tracks"))
    with pytest.raises(RoadmapError, match=r"unknown roadmap\.format 'yaml'"):
        parse(text, "tasks.md", Vocabulary(format="yaml"))


def changed(before: str, after: str) -> dict[int, str]:
    """Lines (1-based) whose text differs, each with its new text; the rest must be equal."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    assert len(old) == len(new)
    return {n: b for n, (a, b) in enumerate(zip(old, new, strict=True), 1) if a != b}


@pytest.mark.parametrize(("name", "track_ids", "changes"), [
    ("speckit-tasks.md", ["2/T005"],
     {28: "- [x] T005 [P] Change journal in src/sync/journal.py\n"}),
    ("speckit-tasks.md", ["2/T004", "2/T005", "2/T006"], {
        27: "- [x] T004 Local store schema in src/sync/store.py\n",
        28: "- [x] T005 [P] Change journal in src/sync/journal.py\n",
        29: "- [x] T006 [P] Clock helpers in src/sync/clock.py\n"}),
    ("gsd-roadmap.md", ["3/03-02"], {52: "- [x] 03-02-PLAN.md — Least-squares fit\n"}),
    ("gsd-roadmap.md", ["3/03-01", "3/03-02", "3/03-03"], {
        36: "- [x] **Phase 3: Harmonics** - Fit tidal constituents\n",
        51: "- [x] 03-01-PLAN.md — Constituent model\n",
        52: "- [x] 03-02-PLAN.md — Least-squares fit\n",
        53: "- [x] 03-03-PLAN.md — Forecast command\n"}),
    ("gsd-roadmap.md", ["4/1"], {38: "- [x] **Phase 4: Publish** - Serve forecasts over HTTP\n"}),
    ("openspec-tasks.md", ["1/1.2"], {3: "## 1. Scaffolding ✅\n",
                                      5: "- [x] 1.2 Add the button component in web/Export.tsx\n"}),
    ("kiro-tasks.md", ["1/3"], {13: "- [x] 3. Evaluate queries against the index\n"}),
    ("phase-sections.md", ["2/1"], {11: "## Phase 2: Storage ✅ Complete\n"}),
    ("week-tracks.md", ["1/2"], {8: "## Track 2: Pricing table (done)\n"}),
    ("milestone-nested.md", ["2/TASK-003"], {15: "### Phase 2: Engine ✅\n",
                                             17: "#### TASK-003: Scheduler ✅\n"}),
    ("french-roadmap.md", ["3/1"], {13: "## Étape 3 : Interface (terminé)\n",
                                    15: "- [x] Ligne de commande\n"}),
    ("korean-roadmap.md", ["2/2.1"], {10: "- [x] 2.1 - 데이터 모델\n"}),
    ("list-style.md", ["C/1"], {61: "1. **Track 1: Constraint Checker** **[DONE]**\n"}),
])
def test_write_back_in_the_files_own_style(name: str, track_ids: list[str],
                                           changes: dict[int, str]) -> None:
    text = (SAMPLES / name).read_text(encoding="utf-8")
    marked = mark_done(text, track_ids, name, WORDS.get(name, Vocabulary()))
    assert changed(text, marked) == changes
    again = parse(marked, name, WORDS.get(name, Vocabulary()))
    assert all(again.track(track_id).done for track_id in track_ids)


def test_numbered_sections_beside_track_words_are_not_tracks() -> None:
    roadmap = parse("## Group A: x\n### Track 1: a\nbody\n### 2. Architecture notes\ntext\n"
                    "- [ ] a checklist note\n### Track 2: b\n")
    assert [t.id for t in roadmap.tracks()] == ["A/1", "A/2"]


def test_words_written_after_their_number() -> None:
    words = Vocabulary(group_words=("단계", "Phase"), done_words=("완료",))
    text = ("# 로드맵\n## 1단계: 기반 (완료)\n- [x] 저장소\n## 2단계 - 핵심\n- [ ] 2.1 모델\n"
            "## Phase 3: 끝\n- [ ] 정리\n")
    roadmap = parse(text, "ROADMAP.md", words)
    assert [(g.id, g.title, g.done, [t.id for t in g.tracks]) for g in roadmap.groups] == [
        ("1", "기반", True, ["1/1"]), ("2", "핵심", False, ["2/2.1"]),
        ("3", "끝", False, ["3/1"])]
    assert changed(text, mark_done(text, ["2/2.1"], "ROADMAP.md", words)) == {
        4: "## 2단계 - 핵심 (완료)\n", 5: "- [x] 2.1 모델\n"}
    # Without a word written after numbers, "1단계" is no group word.
    assert parse("## 1단계: 기반\nText.\n## Phase 2: B\n").groups[0].id == "2"
