"""Ids never clash (DESIGN §16): plans people write reuse numbers; only a real duplicate fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitorch.roadmap.model import RoadmapError
from gitorch.roadmap.reader import parse
from tests.roadmap.test_planners import shape

IDS = Path(__file__).parents[1] / "fixtures" / "roadmaps" / "ids"


def read(name: str) -> tuple[str, list[object]]:
    return shape(parse((IDS / name).read_text(encoding="utf-8"), name))


def test_phases_numbered_again_in_each_milestone_take_its_number() -> None:
    assert read("milestones.md") == ("tracks", [
        ("1.1", True, (), [("1.1/1", "done", ())]),
        ("1.2", False, ("1.1",), [("1.2/1", "pending", ()),
                                  ("1.2/2", "blocked", ("1.2/1",))]),
        ("2.1", False, ("1.1", "1.2"), [("2.1/1", "blocked", ())]),
    ])


def test_a_heading_numbered_by_position_skips_the_numbers_the_file_uses() -> None:
    assert read("positions.md") == ("checklist", [
        ("2", False, (), [("2/1", "pending", ())]),
        ("1", False, ("2",), [("1/1", "blocked", ())]),
        ("4", False, ("2", "1"), [("4/1", "blocked", ())]),
        ("3", False, ("2", "1", "4"), [("3/1", "blocked", ())]),
    ])


def test_a_checklist_item_with_a_group_word_inside_a_group_is_a_track() -> None:
    roadmap = parse((IDS / "sprint-items.md").read_text(encoding="utf-8"), "sprint-items.md")
    assert shape(roadmap) == ("checklist", [
        ("1", False, (), [("1/1", "done", ()), ("1/2", "pending", ())]),
        ("2", False, ("1",), [("2/1", "blocked", ())]),
    ])
    assert roadmap.track("1/1").title == "Sprint 2: Login form"
    assert roadmap.group("2").title == "Hardening"


def test_year_and_quarter_headings_are_one_id() -> None:
    roadmap = parse((IDS / "quarters.md").read_text(encoding="utf-8"), "quarters.md")
    assert shape(roadmap) == ("checklist", [
        ("2025-Q3", False, (), [("2025-Q3/1", "done", ()), ("2025-Q3/2", "pending", ())]),
        ("2025-Q4", False, ("2025-Q3",), [("2025-Q4/1", "blocked", ())]),
    ])
    assert roadmap.group("2025-Q4").title == "2025 Q4"


def test_a_real_duplicate_names_both_lines() -> None:
    with pytest.raises(RoadmapError, match=r"^real-duplicate\.md:6: duplicate group 1 "
                                           r"\(first at line 3\)$"):
        read("real-duplicate.md")
