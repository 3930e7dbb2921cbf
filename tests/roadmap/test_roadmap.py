"""gitorch.roadmap: every accepted form of ROADMAP.md, its errors, and done markers written back."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitorch.errors import GitorchError
from gitorch.roadmap.model import Roadmap, RoadmapError
from gitorch.roadmap.reader import parse
from gitorch.roadmap.writeback import mark_done

SAMPLES = Path(__file__).parents[1] / "fixtures" / "roadmaps"


def sample(name: str) -> Roadmap:
    return parse((SAMPLES / name).read_text(encoding="utf-8"), name)


def titles(roadmap: Roadmap) -> dict[str, str]:
    return {t.id: t.title for t in roadmap.tracks()}


def ids(tracks: tuple[object, ...]) -> list[str]:
    return [t.id for t in tracks]  # type: ignore[attr-defined]


def error_of(text: str, path: str = "ROADMAP.md") -> str:
    with pytest.raises(RoadmapError) as caught:
        parse(text, path)
    return str(caught.value)


# --- the samples -----------------------------------------------------------------------------


def test_seed_style() -> None:
    roadmap = sample("seed-style.md")
    assert [(g.id, g.title, g.status, g.line) for g in roadmap.groups] == [
        ("A", "Project Skeleton", "done", 3),
        ("B", "Data Ingestion", "done", 8),
        ("C", "Normalisation", "done", 13),
        ("D", "Quality Control", "done", 17),
        ("E", "Algorithm Foundation", "in_progress", 22),
        ("F", "Fusion", "pending", 41),
        ("G", "Reporting", "pending", 46),
    ]
    assert roadmap.group("F").prerequisites == ("A", "B", "C", "D", "E")
    assert roadmap.group("A").prerequisites == ()
    current = roadmap.current_group()
    assert current is not None and current.id == "E"
    assert titles(roadmap)["E/1"] == "Registry Infrastructure"
    assert roadmap.track("A/1").done and roadmap.track("A/1").title == "Repository layout"
    e1 = roadmap.track("E/1")
    assert e1.line == 24
    assert e1.body == ("Implement `core/analysis/library/registry.py`: a registry that algorithms "
                       "join by\ndecorator, with lookup by hazard type and version.")
    assert roadmap.track("E/5").depends_on == ("E/1", "E/2", "E/3", "E/4")
    assert [roadmap.track_state(f"E/{n}") for n in range(1, 6)] == ["pending"] * 4 + ["blocked"]
    assert roadmap.waiting_on("E/5") == ("E/1", "E/2", "E/3", "E/4")
    assert ids(roadmap.ready_tracks()) == ["E/1", "E/2", "E/3", "E/4"]
    assert roadmap.track_state("F/1") == "blocked"
    assert roadmap.waiting_on("F/1") == ("Group E",)
    assert roadmap.waiting_on("G/1") == ("Group E", "Group F")


def test_seed_style_as_tracks_land() -> None:
    roadmap = sample("seed-style.md")
    first_four = frozenset({"E/1", "E/2", "E/3", "E/4"})
    assert roadmap.track_state("E/5", first_four) == "pending"
    assert roadmap.waiting_on("E/5", frozenset({"E/1", "E/3"})) == ("E/2", "E/4")
    assert roadmap.track_state("E/1", first_four) == "done"
    assert ids(roadmap.ready_tracks(first_four)) == ["E/5"]
    everything_in_e = first_four | {"E/5"}
    assert roadmap.group_ready("F", everything_in_e)
    assert not roadmap.group_ready("G", everything_in_e)
    assert ids(roadmap.ready_tracks(everything_in_e)) == ["F/1", "F/2"]


def test_list_style() -> None:
    roadmap = sample("list-style.md")
    assert [(g.id, g.title, g.status, g.prerequisites) for g in roadmap.groups] == [
        ("A", "Ground Work", "done", ()),
        ("B", "Berth Model", "done", ("A",)),
        ("C", "Planner", "pending", ("B",)),
        ("D", "Web Console", "pending", ("B",)),
        ("E", "Release", "pending", ("C", "D")),
    ]  # Group Z (in a comment) and the drawing (in a code block) are not read
    assert titles(roadmap) == {
        "A/1": "Project Skeleton", "A/2": "Domain Vocabulary",
        "B/1": "Berth Catalogue", "B/2": "Tide Tables",
        "C/1": "Constraint Checker", "C/2": "Greedy Planner", "C/3": "Optimal Planner",
        "C/4": "Planner Tests", "D/1": "Schedule View", "D/2": "Ship Search",
        "E/1": "Packaging", "E/2": "Operator Guide",
    }
    # A group marked done covers its unmarked tracks.
    assert all(t.done for t in roadmap.group("A").tracks)
    current = roadmap.current_group()
    assert current is not None and current.id == "C"
    assert roadmap.track("C/3").depends_on == ("C/1",)
    assert roadmap.track("C/4").depends_on == ("C/1", "C/2", "C/3")
    assert roadmap.track("C/1").body == (
        "- draught against tide height\n- berth length against ship length")
    assert roadmap.track("C/1").line == 61
    assert roadmap.group_ready("D") and not roadmap.group_ready("E")
    assert ids(roadmap.ready_tracks()) == ["C/1", "C/2", "D/1", "D/2"]
    assert roadmap.track_state("C/3") == "blocked"
    assert roadmap.waiting_on("E/1") == ("Group C", "Group D")
    assert roadmap.track("D/2").body == ""


def test_checklist_style() -> None:
    roadmap = sample("checklist-style.md")
    assert [(g.id, g.title, g.status, g.done) for g in roadmap.groups] == [
        ("1", "Core", "done", True),
        ("2", "Tooling", "pending", False),
    ]
    current = roadmap.current_group()
    assert current is not None and current.id == "2"
    assert [(t.id, t.title, t.status) for t in current.tracks] == [
        ("2/1", "Formatter", "done"),
        ("2/2", "Linter", "pending"),
        ("2/3", "Language server", "pending"),
        ("2/4", "Editor plugin", "pending"),
    ]
    assert roadmap.track("2/3").depends_on == ("2/2",)
    assert roadmap.track("2/4").depends_on == ("2/3",)
    assert roadmap.track("2/3").body == "After: 2"
    assert ids(roadmap.ready_tracks()) == ["2/2"]
    assert roadmap.group("2").prerequisites == ("1",)


def test_hostile_titles_are_kept_as_text() -> None:
    roadmap = sample("hostile-titles.md")
    assert titles(roadmap) == {
        "X/1": "$(touch /tmp/gitorch-pwned) `rm -rf ~` ; echo owned",
        "X/2": "../../../../etc/passwd",
        "X/3": "Ünïcödé — naïve café ☕ with a title far longer than any branch name should "
               "ever be allowed to grow in a sane tool",
        "X/4": "refs/heads/main..HEAD@{0} ~^: ?*[ \\ lock.lock",
    }
    assert ids(roadmap.ready_tracks()) == ["X/1", "X/2", "X/3", "X/4"]


def test_broken_cycle() -> None:
    text = (SAMPLES / "broken-cycle.md").read_text(encoding="utf-8")
    assert error_of(text, "broken-cycle.md") == (
        "broken-cycle.md:6: dependency cycle: A/1 -> A/2 -> A/1")


# --- headings: separators, levels, markers, titles -------------------------------------------


@pytest.mark.parametrize(("heading", "group_id", "title"), [
    ("## Group A: Foundation", "A", "Foundation"),
    ("## Group A - Foundation", "A", "Foundation"),
    ("## Group A — Foundation", "A", "Foundation"),
    ("## Group A \u2013 Foundation", "A", "Foundation"),
    ("## Group A. Foundation", "A", "Foundation"),
    ("## Group A Foundation", "A", "Foundation"),
    ("## Group A:Foundation", "A", "Foundation"),
    ("## Group 1 - Core", "1", "Core"),
    ("## Group 12: Later", "12", "Later"),
    ("## Group E2 Second pass", "E2", "Second pass"),
    ("## Group Alpha: Named", "Alpha", "Named"),
    ("## GROUP b: lower id", "b", "lower id"),
    ("## Group A", "A", ""),
    ("## Group A:", "A", ""),
    ("## **Group A**: Foundation", "A", "Foundation"),
    ("## **Group A: Foundation**", "A", "Foundation"),
    ("## __Group A: Foundation__", "A", "Foundation"),
    ("## *Group A: Foundation*", "A", "Foundation"),
    ("## Group A: Foundation ##", "A", "Foundation"),
    ("## 🚀 Group A: Foundation 🧱", "A", "Foundation"),
    ("##\tGroup\tA:\tFoundation\t", "A", "Foundation"),
    ("   ## Group A: Foundation", "A", "Foundation"),
])
def test_group_heading_forms(heading: str, group_id: str, title: str) -> None:
    roadmap = parse(f"{heading}\n### Track 1: One\n")
    assert [(g.id, g.title) for g in roadmap.groups] == [(group_id, title)]
    assert titles(roadmap) == {f"{group_id}/1": "One"}


@pytest.mark.parametrize(("heading", "number", "title"), [
    ("### Track 1: Registry", "1", "Registry"),
    ("### Track 1 - Registry", "1", "Registry"),
    ("### Track 1 — Registry", "1", "Registry"),
    ("### Track 1. Registry", "1", "Registry"),
    ("### Track 1 Registry", "1", "Registry"),
    ("### Track 10: Tenth", "10", "Tenth"),
    ("### Track 007: Leading zeros", "007", "Leading zeros"),
    ("### track 3: lower case", "3", "lower case"),
    ("### Track 1", "1", ""),
    ("### **Track 1: Bold**", "1", "Bold"),
    ("### **Track 1**: Bold number", "1", "Bold number"),
    ("### Track 1: *Italic*", "1", "Italic"),
    ("### Track 1: a `code` title with under_scores", "1", "a `code` title with under_scores"),
    ("### Task 1.2: Dotted", "1.2", "Dotted"),
    ("### Plan 04-01 - Dashed", "04-01", "Dashed"),
    ("### Step T012: Lettered", "T012", "Lettered"),
    ("### Item v0.3 Versioned", "v0.3", "Versioned"),
])
def test_track_heading_forms(heading: str, number: str, title: str) -> None:
    track = parse(f"## Group A: X\n{heading}\n").tracks()[0]
    assert (track.number, track.title, track.id) == (number, title, f"A/{number}")


@pytest.mark.parametrize(("group_level", "track_level"), [
    (1, 2), (1, 6), (2, 3), (2, 4), (3, 4), (4, 5), (5, 6),
])
def test_heading_levels(group_level: int, track_level: int) -> None:
    text = f"{'#' * group_level} Group A: X\n{'#' * track_level} Track 1: One\nBody\n"
    roadmap = parse(text)
    assert [(t.id, t.body) for t in roadmap.tracks()] == [("A/1", "Body")]


def test_track_heading_must_be_deeper_than_its_group() -> None:
    # A heading no deeper than the group's ends the group: tracks after it belong to no group,
    # and group A, left without tracks, is itself one track.
    roadmap = parse("## Group A: X\n## Track 1: Same level\n### Group B: Y\n#### Track 2: Deeper"
                    "\n### Track 1: Not deeper\n#### Track 3: After the group ended\n")
    assert [(g.id, ids(g.tracks)) for g in roadmap.groups] == [("A", ["A/1"]), ("B", ["B/2"])]


@pytest.mark.parametrize(("suffix", "status"), [
    ("", "pending"),
    (" ✅", "done"),
    (" ✅ DONE", "done"),
    (" DONE", "done"),
    (" [x]", "done"),
    (" [X]", "done"),
    (" [DONE]", "done"),
    (" **[DONE]**", "done"),
    (" ⭐ **[DONE]**", "done"),
    (" **Done**", "done"),
    (" (done)", "done"),
    (" (Done)", "done"),
    (" ✅️", "done"),
    (" 🔄", "in_progress"),
    (" 🔄 IN PROGRESS", "in_progress"),
    (" IN PROGRESS", "in_progress"),
    (" **[IN PROGRESS]**", "in_progress"),
    (" (in progress)", "in_progress"),
    (" 🔄 In Progress", "in_progress"),
    (" ⏳", "pending"),
    (" ⏳ PENDING", "pending"),
    (" ⏳ Pending", "pending"),
    (" PENDING", "pending"),
    (" (pending)", "pending"),
    (" [ ]", "pending"),
])
def test_heading_markers(suffix: str, status: str) -> None:
    roadmap = parse(f"## Group A: Foundation{suffix}\n### Track 1: Registry{suffix}\n")
    group = roadmap.group("A")
    assert (group.title, group.status) == ("Foundation", status)
    assert (group.tracks[0].title, group.tracks[0].status) == ("Registry", status)


@pytest.mark.parametrize(("heading", "title", "status"), [
    # Lower-case words stand for themselves unless an emoji, brackets or bold mark them.
    ("### Track 1: Mark as done", "Mark as done", "pending"),
    ("### Track 1: Pending-requests queue", "Pending-requests queue", "pending"),
    ("### Track 1: UNDONE work", "UNDONE work", "pending"),
    ("### Track 1: Fix the DONE flag", "Fix the DONE flag", "pending"),
    ("### ✅ Track 1: Leading marker", "Leading marker", "done"),
    ("### Track 1: ✅ Marker first", "Marker first", "done"),
    ("### Track 1: Coffee ☕ break", "Coffee ☕ break", "pending"),
])
def test_marker_words_inside_titles(heading: str, title: str, status: str) -> None:
    track = parse(f"## Group A: X\n{heading}\n").tracks()[0]
    assert (track.title, track.status) == (title, status)


@pytest.mark.parametrize(("raw", "title"), [
    ("Nul\x00byte", "Nulbyte"),
    ("right\u202eto\u202cleft", "righttoleft"),
    ("marks\u200e\u200fhere", "markshere"),
    ("isolate\u2066d\u2069", "isolated"),
    ("escape\x1b[31m red", "escape[31m red"),
    ("bell\x07 and \x7fdel", "bell and del"),
    ("tab\there", "tab here"),
    ("zero\u200bwidth", "zerowidth"),
    ("family 👨\u200d👩\u200d👧 emoji", "family 👨\u200d👩\u200d👧 emoji"),
    ("Ünïcödé 日本語 العربية", "Ünïcödé 日本語 العربية"),
    ("many     spaces", "many spaces"),
])
def test_titles_lose_control_characters_only(raw: str, title: str) -> None:
    track = parse(f"## Group A: X\n### Track 1: {raw}\n").tracks()[0]
    assert track.title == title


@pytest.mark.parametrize("heading", [
    "## Group Overview",
    "## Group dependencies",
    "## Groups A and B",
    "## Grouping: how it works",
    "Group A: not a heading",
    "#Group A: no space after the hashes",
    "    ## Group A: indented code",
])
def test_not_groups(heading: str) -> None:
    roadmap = parse(f"{heading}\n### Track 1: One\n## Group B: Real\n### Track 1: Two\n")
    assert [g.id for g in roadmap.groups] == ["B"]


# --- list-item tracks ------------------------------------------------------------------------


@pytest.mark.parametrize(("item", "title", "status"), [
    ("1. **Track 1: Registry Infrastructure**", "Registry Infrastructure", "pending"),
    ("2. **Track 1: Domain Vocabulary** (all parallel)", "Domain Vocabulary", "pending"),
    ("1) **Track 1: Paren number**", "Paren number", "pending"),
    ("- [ ] Track 1: Checkbox", "Checkbox", "pending"),
    ("- [x] Track 1: Checked", "Checked", "done"),
    ("- [X] Track 1: Checked upper", "Checked upper", "done"),
    ("* [ ] **Track 1: Bold checkbox** (later)", "Bold checkbox", "pending"),
    ("+ Track 1: Plus bullet", "Plus bullet", "pending"),
    ("* Track 1: Star bullet", "Star bullet", "pending"),
    ("- Track 1: Plain ✅", "Plain", "done"),
    ("- **Track 1: Bold done** ✅", "Bold done", "done"),
    ("- **Track 1: Bold note done** (tiny) ✅", "Bold note done", "done"),
    ("- **Track 1**: Bold number only", "Bold number only", "pending"),
    ("- **Track 1:** Colon inside bold", "Colon inside bold", "pending"),
    ("- [ ] Track 1 No separator with checkbox", "No separator with checkbox", "pending"),
    ("- **Track 1 No separator in bold**", "No separator in bold", "pending"),
    ("- Track 1", "", "pending"),
    ("-\tTrack 1:\tTabbed", "Tabbed", "pending"),
])
def test_list_item_tracks(item: str, title: str, status: str) -> None:
    track = parse(f"## Group A: X\n{item}\n").tracks()[0]
    assert (track.id, track.title, track.status, track.line) == ("A/1", title, status, 2)


@pytest.mark.parametrize("item", [
    "- Track 1 must land before anything else",
    "- Depends on: Track 1",
    "- See Track 1: it explains",
    "1. Tracks 1: plural",
])
def test_list_items_that_are_not_tracks(item: str) -> None:
    roadmap = parse(f"## Group A: X\n{item}\n- [ ] Track 2: Real\n")
    assert ids(roadmap.tracks()) == ["A/2"]


def test_item_body_is_its_indented_lines() -> None:
    text = ("## Group A: X\n"
            "1. **Track 1: One**\n"
            "   - first\n"
            "\n"
            "     continued\n"
            "   - Track 9: a nested item is body, not a track\n"
            "   - **Depends on:** Track 2\n"
            "Not indented: ends the item\n"
            "2. **Track 2: Two**\n"
            "\t- tab-indented body\n"
            "---\n"
            "- [ ] Track 3: Three\n"
            "  After: 2\n")
    roadmap = parse(text)
    assert [(t.id, t.body, t.depends_on) for t in roadmap.tracks()] == [
        ("A/1", "- first\n\n  continued\n- Track 9: a nested item is body, not a track\n"
                "- **Depends on:** Track 2", ("A/2",)),
        ("A/2", "- tab-indented body", ()),
        ("A/3", "After: 2", ("A/2",)),
    ]


def test_heading_track_body_runs_to_next_heading_of_same_or_higher_level() -> None:
    text = ("# Plan\n## Group A: X\nIntro, not a body.\n### Track 1: One\n\nFirst line.\n"
            "#### Details\nDeeper headings stay in the body.\n\n### Track 2: Two\nSecond.\n"
            "- [ ] Track 3: A track item ends it too\n  its body\n## Appendix\nNot a body.\n"
            "### Track 4: Outside any group\n")
    roadmap = parse(text)
    assert [(t.id, t.body) for t in roadmap.tracks()] == [
        ("A/1", "First line.\n#### Details\nDeeper headings stay in the body."),
        ("A/2", "Second."),
        ("A/3", "its body"),
    ]


# --- code blocks, comments, line ends --------------------------------------------------------


@pytest.mark.parametrize("fence", ["```", "~~~", "````", "```markdown", "   ~~~~"])
def test_fenced_code_is_never_read(fence: str) -> None:
    closing = fence.strip().split("markdown")[0]
    text = (f"## Group A: X\n### Track 1: One\nBefore.\n{fence}\n## Group Z: drawn\n"
            f"### Track 2: drawn\nDepends on: Track 9\n{closing}\nAfter.\n")
    roadmap = parse(text)
    assert [g.id for g in roadmap.groups] == ["A"]
    track = roadmap.track("A/1")
    assert track.depends_on == ()
    assert track.body == (f"Before.\n{fence}\n## Group Z: drawn\n### Track 2: drawn\n"
                          f"Depends on: Track 9\n{closing}\nAfter.")


def test_unclosed_fence_hides_the_rest() -> None:
    assert ids(parse("## Group A: X\n### Track 1: a\n```\n### Track 2: b\n").tracks()) == ["A/1"]


def test_html_comments_are_never_read() -> None:
    text = ("<!-- ## Group Y: inline -->\n## Group A: X <!-- ✅ not a marker -->\n"
            "### Track 1: One <!--\n### Track 2: hidden\nDepends on: Track 9\n--> tail\n"
            "<!-- a note for people -->\nKept.\n### Track 3: Three\n")
    roadmap = parse(text)
    assert [(g.id, g.title, g.status) for g in roadmap.groups] == [("A", "X", "pending")]
    assert [(t.id, t.title, t.body) for t in roadmap.tracks()] == [
        ("A/1", "One", "--> tail\nKept."), ("A/3", "Three", "")]


def test_crlf_bom_and_tabs() -> None:
    text = ("\ufeff## Group A: Foundation ✅ DONE\r\n### Track 1: Done one\r\n"
            "## Group B:\tNext\r\n###\tTrack 1:\tFirst\r\n\tBody line\r\n\r\n"
            "### Track 2: Second\r\nDepends on:\tTrack 1\r\n")
    roadmap = parse(text)
    assert [(g.id, g.title, g.line) for g in roadmap.groups] == [
        ("A", "Foundation", 1), ("B", "Next", 3)]
    assert [(t.id, t.title, t.body, t.depends_on, t.line) for t in roadmap.tracks()] == [
        ("A/1", "Done one", "", (), 2),
        ("B/1", "First", "Body line", (), 4),
        ("B/2", "Second", "Depends on:\tTrack 1", ("B/1",), 7),
    ]


def test_lone_carriage_returns_end_lines() -> None:
    roadmap = parse("## Group A: X\r### Track 1: One\rDepends on: 2\r### Track 2: Two")
    assert roadmap.track("A/1").depends_on == ("A/2",)
    assert roadmap.track("A/2").line == 4


# --- dependencies and prerequisites ----------------------------------------------------------


@pytest.mark.parametrize(("line", "depends_on"), [
    ("Depends on: Track 2", ("A/2",)),
    ("Depends on: 2", ("A/2",)),
    ("Depends on: Track 2, Track 3", ("A/2", "A/3")),
    ("Depends on: Tracks 2, 3 and 4", ("A/2", "A/3", "A/4")),
    ("Depends on: Tracks 2-4", ("A/2", "A/3", "A/4")),
    ("Depends on: 2 + 3 & 4", ("A/2", "A/3", "A/4")),
    ("Depends on: Track 3, Track 2, Track 3", ("A/3", "A/2")),
    ("Depends on: B/1", ("B/1",)),
    ("Depends on: Track 2, B/1", ("A/2", "B/1")),
    ("Depends on: `B/1`", ("B/1",)),
    ("Depends on: Track 2 (the registry), Track 3", ("A/2", "A/3")),
    ("Depends on: Track 2 for the registry, 3", ("A/2",)),
    ("Depends on: None", ()),
    ("depends on: track 2", ("A/2",)),
    ("**Depends on:** Track 2", ("A/2",)),
    ("**Depends on**: Track 2", ("A/2",)),
    ("- **Depends on:** Track 2", ("A/2",)),
    ("  * Depends on: Track 2", ("A/2",)),
    ("After: 2", ("A/2",)),
    ("After: Track 2 and Track 3", ("A/2", "A/3")),
    ("After: the registry lands", ()),
    ("After the registry lands, tidy up", ()),
    ("It depends on: nothing in particular", ()),
])
def test_track_dependencies(line: str, depends_on: tuple[str, ...]) -> None:
    text = (f"## Group B: First\n### Track 1: b\n## Group A: X\n### Track 1: One\n{line}\n"
            "### Track 2: Two\n### Track 3: Three\n### Track 4: Four\n")
    assert parse(text).track("A/1").depends_on == depends_on


def test_dependency_lines_accumulate() -> None:
    text = "## Group A: X\n### Track 3: Three\nDepends on: 1\nAfter: Track 2\n### Track 1: a\n"
    text += "### Track 2: b\n"
    assert parse(text).track("A/3").depends_on == ("A/1", "A/2")


@pytest.mark.parametrize(("line", "prerequisites"), [
    ("**Prerequisites:** None, this is where it starts.", ()),
    ("Prerequisites: None", ()),
    ("Prerequisites: Group A complete", ("A",)),
    ("**Prerequisites:** Group B complete (needs berths and tides), but can develop in "
     "parallel with Group D", ("B",)),
    ("Prerequisites: Groups A + B complete", ("A", "B")),
    ("Prerequisites: Groups A, B, C", ("A", "B", "C")),
    ("Prerequisites: Groups A & C", ("A", "C")),
    ("Prerequisites: Group A and Group C", ("A", "C")),
    ("Prerequisites: Group B, but only its catalogue", ("B",)),
    ("Prerequisites: B", ("B",)),
    ("Prerequisite: **Group C**", ("C",)),
    ("Depends on: Group B", ("B",)),
    ("After: Group A", ("A",)),
    ("**Requires:** Group C complete", ("C",)),
    ("- Requires: Group B", ("B",)),
    ("Requires: PostgreSQL 15", ("A", "B", "C")),
    ("Prerequisites: a working laptop", ("A", "B", "C")),
    ("No prerequisite line at all", ("A", "B", "C")),
])
def test_group_prerequisites(line: str, prerequisites: tuple[str, ...]) -> None:
    text = ("## Group A: a\n### Track 1: a\n## Group B: b\n### Track 1: b\n## Group C: c\n"
            f"### Track 1: c\n## Group D: d\n*Quote.*\n\n{line}\n\n### Track 1: d\n"
            "Prerequisites: Group A\n")
    assert parse(text).group("D").prerequisites == prerequisites


def test_groups_run_side_by_side_when_their_prerequisites_are_done() -> None:
    text = ("## Group A: a ✅\n### Track 1: a\n## Group B: b\nPrerequisites: Group A\n"
            "### Track 1: b\n## Group C: c\nPrerequisites: Group A\n### Track 1: c\n"
            "### Track 2: c\nDepends on: B/1\n## Group D: d\n### Track 1: d\n")
    roadmap = parse(text)
    assert ids(roadmap.ready_tracks()) == ["B/1", "C/1"]
    assert roadmap.waiting_on("C/2") == ("B/1",)
    assert roadmap.waiting_on("D/1") == ("Group B", "Group C")
    landed = frozenset({"B/1"})
    assert ids(roadmap.ready_tracks(landed)) == ["C/1", "C/2"]
    assert roadmap.waiting_on("D/1", landed) == ("Group C",)
    assert roadmap.group_ready("D", landed | {"C/1", "C/2"})


def test_every_group_above_reads_the_same_through_one_link_a_group() -> None:
    text = ("## Group A: a\n### Track 1: a\n## Group B: b ✅\n### Track 1: b\n"
            "## Group C: c\nDepends on: None\n### Track 1: c\n## Group D: d\n### Track 1: d\n")
    roadmap = parse(text)
    assert [g.prerequisites for g in roadmap.groups] == [(), ("A",), (), ("A", "B", "C")]
    # B is done but A is not: D still waits on A, above the group directly above it.
    assert roadmap.waiting_on("D/1") == ("Group A", "Group C")
    assert ids(roadmap.ready_tracks()) == ["A/1", "C/1"]
    assert ids(roadmap.ready_tracks(frozenset({"A/1", "C/1"}))) == ["D/1"]
    cycle = text.replace("### Track 1: a\n", "### Track 1: a\nDepends on: D/1\n")
    assert error_of(cycle) == "ROADMAP.md:3: dependency cycle: A/1 -> D/1 -> Group A -> A/1"


def test_a_plan_of_thousands_of_groups_holds_one_link_a_group() -> None:
    roadmap = parse("".join(f"## Phase {n}: p\n- [ ] Task {n}.1 do it\n" for n in range(1, 5001)))
    # Every group waits on all the groups above it, each through the group directly above.
    assert sum(len(g.named) + (g.above is not None) for g in roadmap.groups) == 4999
    assert all(g.above is roadmap.groups[n - 1] for n, g in enumerate(roadmap.groups) if n)
    assert ids(roadmap.ready_tracks()) == ["1/1.1"]
    landed = frozenset(t.id for t in roadmap.tracks()[:4000])
    assert ids(roadmap.ready_tracks(landed)) == ["4001/4001.1"]
    assert roadmap.waiting_on("4003/4003.1", landed) == ("Group 4001", "Group 4002")


def test_current_group_and_done_groups() -> None:
    text = ("## Group A: a\n### Track 1: a ✅\n## Group B: b 🔄\n### Track 1: b [x]\n"
            "## Group C: c\n### Track 1: c\n")
    roadmap = parse(text)
    assert [g.done for g in roadmap.groups] == [True, True, False]
    current = roadmap.current_group()
    assert current is not None and current.id == "C"
    all_done = parse("## Group A: a ✅\n## Group B: b\n### Track 1: b ✅\n")
    assert all_done.current_group() is None
    assert all_done.ready_tracks() == ()
    assert all_done.track_state("B/1") == "done" and all_done.waiting_on("B/1") == ()


def test_track_state_of_a_landed_track_in_a_blocked_group() -> None:
    roadmap = parse("## Group A: a\n### Track 1: a\n## Group B: b\n### Track 1: b\n")
    assert roadmap.track_state("B/1") == "blocked"
    assert roadmap.track_state("B/1", frozenset({"B/1"})) == "done"


# --- errors ----------------------------------------------------------------------------------

TRACKS = "### Track 1: a\n"
NO_GROUPS = ("ROADMAP.md: no groups found (tried the forms tracks, checklist, speckit and gsd: "
             "expected headings like '## Group A: Title' or '## Phase 1: Setup', or checkbox "
             "items under a heading; set roadmap.group_words, roadmap.track_words or "
             "roadmap.format in gitorch.yaml)")


@pytest.mark.parametrize(("text", "message"), [
    ("", NO_GROUPS),
    ("\ufeff\r\n", NO_GROUPS),
    ("```\n## Group A: drawn\n```\n",
     NO_GROUPS),
    ("<!--\n## Group A: hidden\n-->\n",
     NO_GROUPS),
    ("- Group A: a list item is not a group\n",
     NO_GROUPS),
    ("## Group A: a\n" + TRACKS + "## Group A: again\n" + TRACKS,
     "ROADMAP.md:3: duplicate group A (first at line 1)"),
    ("## Group A: a\n" + TRACKS + "### Track 01: again\n",
     "ROADMAP.md:3: duplicate track A/01 (first at line 2)"),
    ("## Group A: a\n- [ ] Track 2: x\n- [ ] Track 2: y\n",
     "ROADMAP.md:3: duplicate track A/2 (first at line 2)"),
    ("## Group A: a\n" + TRACKS + "Depends on: Track 9\n",
     "ROADMAP.md:3: track A/1 depends on A/9, which is not in the roadmap"),
    ("## Group A: a\n" + TRACKS + "After: Q/1\n",
     "ROADMAP.md:3: track A/1 depends on Q/1, which is not in the roadmap"),
    ("## Group A: a\n" + TRACKS + "## Group B: b\n### Track 1: b\nDepends on: A/2\n",
     "ROADMAP.md:5: track B/1 depends on A/2, which is not in the roadmap"),
    ("## Group A: a\n" + TRACKS + "Depends on: Track 1\n",
     "ROADMAP.md:3: track A/1 depends on itself"),
    ("## Group A: a\n" + TRACKS + "   - **Depends on:** A/1\n",
     "ROADMAP.md:3: track A/1 depends on itself"),
    ("## Group A: a\n" + TRACKS + "Depends on: the registry\n",
     "ROADMAP.md:3: cannot read the dependencies of track A/1: list tracks like "
     "'Track 2', '2' or 'D/3'"),
    ("## Group A: a\n### Track 1: a\nDepends on: 3\n### Track 2: b\nDepends on: 1\n"
     "### Track 3: c\nDepends on: 2\n",
     "ROADMAP.md:3: dependency cycle: A/1 -> A/3 -> A/2 -> A/1"),
    ("## Group A: a\n### Track 1: a\n### Track 2: b\nDepends on: 3\n### Track 3: c\n"
     "Depends on: 2\n",
     "ROADMAP.md:4: dependency cycle: A/2 -> A/3 -> A/2"),
    ("## Group A: a\n### Track 1: a\nDepends on: B/1\n## Group B: b\n### Track 1: b\n",
     "ROADMAP.md:3: dependency cycle: A/1 -> B/1 -> Group A -> A/1"),
    ("## Group A: a\nPrerequisites: Group B\n" + TRACKS + "## Group B: b\n" + TRACKS,
     "ROADMAP.md:2: dependency cycle: Group A -> Group B -> Group A"),
    ("## Group A: a\n" + TRACKS + "## Group B: b\nPrerequisites: Group Q complete\n" + TRACKS,
     "ROADMAP.md:4: group B needs group Q, which is not in the roadmap"),
    ("## Group A: a\n" + TRACKS + "## Group B: b\n**Requires:** Groups A, C\n" + TRACKS,
     "ROADMAP.md:4: group B needs group C, which is not in the roadmap"),
    ("## Group A: a\n" + TRACKS + "## Group B: b\nAfter: Group B\n" + TRACKS,
     "ROADMAP.md:4: group B lists itself as a prerequisite"),
])
def test_errors(text: str, message: str) -> None:
    assert error_of(text) == message
    assert "\n" not in message


def test_error_is_a_gitorch_error_and_names_the_path() -> None:
    with pytest.raises(GitorchError, match=r"^plans/ROADMAP\.md:3: duplicate group A "):
        parse("## Group A: a\n### Track 1: a\n## Group A: b\n", "plans/ROADMAP.md")


@pytest.mark.parametrize(("call", "message"), [
    (lambda r: r.group("Z"), "ROADMAP.md: no group Z"),
    (lambda r: r.track("A/9"), "ROADMAP.md: no track A/9"),
    (lambda r: r.track("A"), "ROADMAP.md: no track A"),
    (lambda r: r.track("Group A"), "ROADMAP.md: no track Group A"),
    (lambda r: r.track("A/1\nB/1"), "ROADMAP.md: no track A/1?B/1"),
    (lambda r: r.track_state("Q/1"), "ROADMAP.md: no track Q/1"),
    (lambda r: r.waiting_on("Q/1"), "ROADMAP.md: no track Q/1"),
    (lambda r: r.group_ready("Q"), "ROADMAP.md: no group Q"),
])
def test_lookup_errors(call: object, message: str) -> None:
    roadmap = parse("## Group A: a ✅\n### Track 1: a\n## Group B: empty\n## Group C: c\n"
                    + TRACKS)
    with pytest.raises(RoadmapError) as caught:
        call(roadmap)  # type: ignore[operator]
    assert str(caught.value) == message


def test_hostile_sizes_are_read_whole() -> None:
    """How fast is the benchmarks' roadmap case's business (a timed test fails on a busy
    machine: this one took 7 s beside a parallel suite, 0.35 s alone)."""
    n = 2000
    chain = "".join(f"### Track {i}: t\nDepends on: {i - 1}\n" for i in range(2, n + 1))
    text = "## Group A: x\n### Track 1: t\n" + chain
    roadmap = parse(text)
    assert ids(roadmap.ready_tracks()) == ["A/1"]
    assert len(roadmap.tracks()) == n
    assert mark_done(text, [f"A/{i}" for i in range(1, n + 1)]).count("✅") == n + 1
    long_line = "## Group A: x\n### Track 1: " + " " * 100_000 + "x ✅ " * 10_000 + "\n"
    assert parse(long_line).track("A/1").status == "done"
    assert parse("## Group A: x\n### Track 1: t\n" + "<!--" * 50_000 + "\n").tracks()


# --- mark_done -------------------------------------------------------------------------------


def changed_lines(before: str, after: str) -> dict[int, tuple[str, str]]:
    """Lines (1-based) that differ; asserts every other line, line end included, is the same."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    assert len(old) == len(new)
    return {n + 1: (a, b) for n, (a, b) in enumerate(zip(old, new, strict=True)) if a != b}


@pytest.mark.parametrize(("name", "track_ids", "changes"), [
    ("seed-style.md", ["E/1"], {24: "### Track 1: Registry Infrastructure ✅\n"}),
    ("seed-style.md", ["E/1", "E/2", "E/3", "E/4", "E/5"], {
        22: "## Group E: Algorithm Foundation ✅ DONE\n",
        24: "### Track 1: Registry Infrastructure ✅\n",
        28: "### Track 2: Baseline Flood Algorithms ✅\n",
        31: "### Track 3: Baseline Wildfire Algorithms ✅\n",
        34: "### Track 4: Baseline Storm Algorithms ✅\n",
        37: "### Track 5: Algorithm Tests ✅\n",
    }),
    ("seed-style.md", ["G/1"], {46: "## Group G: Reporting ✅ Done\n",
                               48: "### Track 1: Map products ✅\n"}),
    ("seed-style.md", ["A/1", "B/2"], {}),
    ("list-style.md", ["C/2", "C/1"], {
        61: "1. **Track 1: Constraint Checker** **[DONE]**\n",
        65: "2. **Track 2: Greedy Planner** **[DONE]** (fast first version)\n",
    }),
    ("list-style.md", ["D/1", "D/2"], {78: "### **Group D: Web Console** 🖥️ **[DONE]**\n",
                                       84: "1. **Track 1: Schedule View** **[DONE]**\n",
                                       87: "2. **Track 2: Ship Search** **[DONE]**\n"}),
    ("checklist-style.md", ["2/3"], {10: "- [x] Track 3: Language server\n"}),
    ("checklist-style.md", ["2/2", "2/3", "2/4", "2/1"], {
        7: "### Group 2 - Tooling (done)\n",
        9: "- [x] Track 2: Linter\n",
        10: "- [x] Track 3: Language server\n",
        12: "- [x] Track 4: Editor plugin\n",
    }),
    ("hostile-titles.md", ["X/4"], {8: "### Track 4: refs/heads/main..HEAD@{0} ~^: ?*[ \\ "
                                       "lock.lock ✅\n"}),
])
def test_mark_done_samples(name: str, track_ids: list[str], changes: dict[int, str]) -> None:
    before = (SAMPLES / name).read_text(encoding="utf-8")
    after = mark_done(before, track_ids, name)
    assert {n: new for n, (_, new) in changed_lines(before, after).items()} == changes
    roadmap = parse(after, name)
    assert all(roadmap.track(track_id).done for track_id in track_ids)
    assert mark_done(after, track_ids, name) == after


@pytest.mark.parametrize(("line", "marked"), [
    ("### Track 1: One", "### Track 1: One ✅"),
    ("### Track 1: One   ", "### Track 1: One ✅   "),
    ("### Track 1: One ###", "### Track 1: One ✅ ###"),
    ("### Track 1: One <!-- note -->", "### Track 1: One ✅ <!-- note -->"),
    ("### Track 1: One ⏳", "### Track 1: One ✅"),
    ("### Track 1: One ⏳️", "### Track 1: One ✅"),
    ("### Track 1: One 🔄 IN PROGRESS", "### Track 1: One ✅ DONE"),
    ("### Track 1: One ⏳ Pending", "### Track 1: One ✅ Done"),
    ("### Track 1: One PENDING", "### Track 1: One DONE"),
    ("### Track 1: One (pending)", "### Track 1: One (done)"),
    ("### Track 1: One (in progress)", "### Track 1: One (done)"),
    ("### **Track 1: One** **[IN PROGRESS]**", "### **Track 1: One** **[DONE]**"),
    ("### Track 1: One [ ]", "### Track 1: One [x]"),
    ("### 🔄 Track 1: One", "### ✅ Track 1: One"),
    ("### Track 1: Mark as done", "### Track 1: Mark as done ✅"),
    ("### Track 1", "### Track 1 ✅"),
    ("- [ ] Track 1: One", "- [x] Track 1: One"),
    ("  - [ ] **Track 1: One** (later)", "  - [x] **Track 1: One** (later)"),
    ("- [ ] Track 1: One ⏳", "- [x] Track 1: One ✅"),
    ("1. **Track 1: One**", "1. **Track 1: One** ✅"),
    ("1. **Track 1: One** (all parallel)", "1. **Track 1: One** ✅ (all parallel)"),
    ("1. __Track 1: One__ note", "1. __Track 1: One__ ✅ note"),
    ("- Track 1: One", "- Track 1: One ✅"),
    ("- Track 1: One 🔄", "- Track 1: One ✅"),
    ("-\tTrack 1:\tOne\t", "-\tTrack 1:\tOne ✅\t"),
])
def test_mark_done_track_line(line: str, marked: str) -> None:
    before = f"## Group A: X\n{line}\n### Track 2: Two\n"
    after = mark_done(before, ["A/1"])
    assert after == f"## Group A: X\n{marked}\n### Track 2: Two\n"
    assert parse(after).track("A/1").done


@pytest.mark.parametrize(("heading", "marked"), [
    ("## Group A: X", "## Group A: X ✅"),
    ("## Group A: X 🔄 IN PROGRESS", "## Group A: X ✅ DONE"),
    ("## Group A: X 🔄", "## Group A: X ✅"),
    ("## Group A: X ⏳ Pending", "## Group A: X ✅ Done"),
    ("## Group A: X (pending)", "## Group A: X (done)"),
    ("## Group A: X IN PROGRESS", "## Group A: X DONE"),
    ("### **Group A: X** ⭐ **[IN PROGRESS]**", "### **Group A: X** ⭐ **[DONE]**"),
    ("### **Group A: X** 🧭", "### **Group A: X** 🧭 ✅"),
    ("## Group A: X ##", "## Group A: X ✅ ##"),
    ("## Group A", "## Group A ✅"),
])
def test_mark_done_group_heading(heading: str, marked: str) -> None:
    deeper = "#" * (heading.count("#", 0, 3) + 1)
    before = (f"{heading}\n{deeper} Track 1: One ✅\n{deeper} Track 2: Two\n# Group B: Y\n"
              "## Track 1: y\n")
    after = mark_done(before, ["A/2"])
    assert after == before.replace(heading, marked).replace("Two\n", "Two ✅\n")
    assert parse(after).group("A").status == "done"


def test_mark_done_keeps_every_other_byte() -> None:
    before = ("\ufeff# Plan\r\n\r\n## Group A: X 🔄 IN PROGRESS\r\n### Track 1: One\r\n"
              "Depends on: 2\r\n### Track 2: Two\r\n\tbody with\ttabs  \r\n"
              "```\r\n### Track 1: in code\r\n```\r\n## Group B: Y\r\n### Track 1: y")
    after = mark_done(before, ["A/2"])
    assert after.startswith("\ufeff# Plan\r\n")
    assert after.endswith("### Track 1: y")
    assert changed_lines(before, after) == {
        6: ("### Track 2: Two\r\n", "### Track 2: Two ✅\r\n")}
    both = mark_done(after, ["A/1"])
    assert changed_lines(after, both) == {
        3: ("## Group A: X 🔄 IN PROGRESS\r\n", "## Group A: X ✅ DONE\r\n"),
        4: ("### Track 1: One\r\n", "### Track 1: One ✅\r\n"),
    }
    assert parse(both).group("A").done
    no_newline = mark_done("## Group A: X\n### Track 1: a", ["A/1"])
    assert no_newline == "## Group A: X ✅\n### Track 1: a ✅"


def test_mark_done_leaves_done_tracks_and_untouched_groups_alone() -> None:
    # Group A's tracks are all done but it is not marked; only groups the call finishes are.
    text = ("## Group A: X\n### Track 1: a ✅\n## Group B: Y\n### Track 1: b\n"
            "### Track 2: c\n")
    assert mark_done(text, ["A/1"]) == text.replace("## Group A: X", "## Group A: X ✅")
    assert mark_done(text, []) == text
    assert mark_done(text, ["B/1", "B/1"]) == text.replace("b\n", "b ✅\n")


def test_mark_done_unknown_track() -> None:
    with pytest.raises(RoadmapError, match=r"^plan\.md: no track E/9$"):
        mark_done("## Group E: X\n### Track 1: a\n", ["E/9"], "plan.md")


def test_mark_done_on_a_broken_roadmap_raises_the_parse_error() -> None:
    with pytest.raises(RoadmapError, match=r"^ROADMAP\.md: no groups found"):
        mark_done("# nothing here\n", ["A/1"])
