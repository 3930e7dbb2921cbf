"""gitorch.roadmap.kept: a roadmap read again from its kept parse is the one parse() gives."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from gitorch.roadmap import kept, reader
from gitorch.roadmap.kept import parse_kept
from gitorch.roadmap.model import Roadmap
from gitorch.roadmap.reader import parse
from gitorch.roadmap.vocabulary import Vocabulary
from gitorch.state import StateDir

SAMPLES = Path(__file__).parents[1] / "fixtures" / "roadmaps"
WORDS = {"french-roadmap.md": Vocabulary(group_words=("Étape",), done_words=("terminé",)),
         "korean-roadmap.md": Vocabulary(group_words=("단계",), done_words=("완료",))}
PLAN = "## Group A: Start\n\n### Track 1: One\nDo src/a.py.\n\n## Group B: Next\n\n" \
       "### Track 1: Two\nDepends on: A/1\n"


def _state(tmp_path: Path) -> StateDir:
    state = StateDir(tmp_path / "gitorch")
    state.root.mkdir()
    return state


def _no_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> Roadmap:
        raise AssertionError("the reader parsed a roadmap kept parsed")

    monkeypatch.setattr(reader, "parse", refuse)


def _links(roadmap: Roadmap) -> list[object]:
    """What == leaves out: the group above each, and each group's prerequisites."""
    return [(g.above.id if g.above else None, g.prerequisites) for g in roadmap.groups]


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*.md")
                                        if p.name != "broken-cycle.md"))
def test_a_kept_parse_is_the_parse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   name: str) -> None:
    state, text = _state(tmp_path), (SAMPLES / name).read_text(encoding="utf-8")
    words = WORDS.get(name, Vocabulary())
    expected = parse(text, name, words)
    assert parse_kept(state, text, name, words) == expected
    _no_reader(monkeypatch)
    again = parse_kept(state, text, name, words)
    assert again == expected and _links(again) == _links(expected)
    assert [t.id for t in again.tracks()] == [t.id for t in expected.tracks()]


def test_another_text_or_vocabulary_is_parsed_anew(tmp_path: Path) -> None:
    state = _state(tmp_path)
    first = parse_kept(state, PLAN, "ROADMAP.md", Vocabulary())
    edited = parse_kept(state, PLAN.replace("Two", "Three"), "ROADMAP.md", Vocabulary())
    assert edited.track("B/1").title == "Three" and first.track("B/1").title == "Two"
    words = Vocabulary(group_words=("Stage",))
    with pytest.raises(reader.RoadmapError):
        parse_kept(state, PLAN, "ROADMAP.md", words)  # no "Stage" heading: nothing kept
    assert parse_kept(state, PLAN, "ROADMAP.md", Vocabulary()) == first


def test_a_changed_reader_is_asked_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                         ) -> None:
    code = tmp_path / "code"
    code.mkdir()
    (code / "reader.py").write_text("one")
    monkeypatch.setattr(kept, "_CODE", (code,))
    state = _state(tmp_path)
    parse_kept(state, PLAN, "ROADMAP.md", Vocabulary())
    (code / "reader.py").write_text("two!")
    calls = []
    monkeypatch.setattr(reader, "parse", lambda *args: calls.append(args) or parse(*args))
    parse_kept(state, PLAN, "ROADMAP.md", Vocabulary())
    assert len(calls) == 1


@pytest.mark.parametrize("damage", [
    lambda entry: entry["roadmap"]["groups"][0].update(id="../x"),
    lambda entry: entry["roadmap"]["groups"][1].update(above=7),
    lambda entry: entry["roadmap"]["groups"][0]["tracks"][0].__setitem__(4, "finished"),
    lambda entry: entry["roadmap"].pop("form"),
    lambda entry: entry.update(roadmap=[]),
])
def test_a_damaged_entry_is_parsed_anew(tmp_path: Path, damage: object) -> None:
    state = _state(tmp_path)
    expected = parse_kept(state, PLAN, "ROADMAP.md", Vocabulary())
    entry = json.loads(state.parsed_roadmap.read_text())
    damage(entry)  # type: ignore[operator]
    state.parsed_roadmap.write_text(json.dumps(entry))
    again = parse_kept(state, PLAN, "ROADMAP.md", Vocabulary())
    assert again == expected and _links(again) == _links(expected)


def test_nothing_is_kept_without_a_state_folder(tmp_path: Path) -> None:
    state = StateDir(tmp_path / "gitorch")
    assert parse_kept(state, PLAN, "ROADMAP.md", Vocabulary()).track("A/1").title == "One"
    assert not os.path.exists(state.root)
