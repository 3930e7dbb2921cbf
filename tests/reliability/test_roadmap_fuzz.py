"""Random roadmaps built from hostile pieces, read in-process (GITORCH_STRESS=N: N x rounds).

Whatever the text, the parser either gives groups and tracks whose names are safe, or
raises RoadmapError with one line naming the file (and the line, when one applies); and
marking tracks done changes only their heading lines.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hostile import BRANCH, STRESS

from gitorch.names import TrackId, branch_name, slug, worktree_path
from gitorch.roadmap.model import Roadmap, RoadmapError
from gitorch.roadmap.reader import parse
from gitorch.roadmap.writeback import mark_done

ROUNDS = 300 * STRESS
CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u200b\u200e\u200f\u2028\u2029"
                     "\u202a-\u202e\u2066-\u2069\ufeff]")
ERROR = re.compile(r"ROADMAP\.md(:(?P<line>[0-9]+))?: \S")
LINES = ENDS = re.compile(r"\r\n|\r|\n")  # the line ends Markdown knows

TITLE_PIECES = [
    "Registry", "../../etc/passwd", "$(touch /tmp/gitorch-pwned)", "`id`", "; rm -rf ~",
    "\x00", "\u202egnp.exe", "\u200f", "\x1b[31m", "\t", "  ", "**", "__", "*", "_", "✅",
    "🔄", "⏳", "DONE", "in progress", "[x]", "[ ]", "(done)", "Track 2", "Group B", "—",
    ":", "-", ".", "٣", "²", "x" * 300, "refs/heads/main", "HEAD@{0}", "~^:?*[\\",
    "<!--", "-->", "```", "~~~", "#", "{track}", "%s", "\u2028", "é", "ß", "ﬁ", "İ",
]
LINE_ENDS = ["\n", "\n", "\n", "\r\n", "\r"]


def _title(rng: random.Random) -> str:
    return "".join(rng.choice(TITLE_PIECES) + rng.choice(["", " "])
                   for _ in range(rng.randrange(0, 5)))


def _head(rng: random.Random, kind: str, key: str, level: int) -> str:
    separator = rng.choice([":", " -", " —", ".", "", ":", ":"])
    text = f"{kind} {key}{separator} {_title(rng)}"
    if rng.random() < 0.2:
        text = f"**{text}**" + rng.choice(["", " (all parallel)", " ✅", " **[DONE]**"])
    if level:
        return "#" * level + rng.choice([" ", "\t", "  "]) + text
    item = rng.choice(["- ", "* ", "1. ", "12) ", "- [ ] ", "- [x] ", "+ [X] "])
    return " " * rng.choice([0, 0, 2, 4]) + item + text


def _body(rng: random.Random, numbers: list[str], groups: list[str]) -> list[str]:
    lines = []
    for _ in range(rng.randrange(0, 4)):
        choice = rng.random()
        if choice < 0.3 and numbers:
            label = rng.choice(["Depends on:", "After:", "**Depends on:**", "   - Depends on:"])
            ids = [rng.choice([f"Track {n}", n, f"{rng.choice(groups)}/{n}", f"{n}-{n}9",
                               "None", "9" * rng.choice([3, 12, 5000])])
                   for n in rng.sample(numbers, min(len(numbers), rng.randrange(1, 3)))]
            lines.append(f"{label} " + rng.choice([", ", " and ", " + "]).join(ids))
        elif choice < 0.4:
            lines.append(rng.choice(["```", "~~~", "<!--", "-->", "<!-- x -->", "````"]))
        elif choice < 0.5:
            lines.append("Prerequisites: " + rng.choice(["None", "Group A complete",
                                                         "Groups A, B", "Group Q"]))
        else:
            lines.append(" " * rng.choice([0, 2, 3, 4]) + _title(rng))
    return lines


def random_roadmap(rng: random.Random) -> str:
    groups = [rng.choice(["A", "B", "C", "12", "0", "E", "a", "X1", "Q" * rng.choice([5, 40])])
              for _ in range(rng.choice([0, 1, 2, 2, 3, 3, 4]))]
    lines = ["# Roadmap", "", *_body(rng, ["1"], groups or ["A"])]
    for group in groups:
        level = rng.choice([1, 2, 2, 3])
        lines.append(_head(rng, rng.choice(["Group", "Group", "group", "GROUP"]), group, level))
        numbers = [str(n) for n in rng.sample(range(0, 8), rng.choice([0, 1, 2, 3, 4, 5]))]
        if rng.random() < 0.1:
            numbers.append("0" + rng.choice(numbers or ["1"]))
        if rng.random() < 0.05:
            numbers.append("9" * rng.choice([9, 10, 5000]))
        for number in numbers:
            lines.append(_head(rng, rng.choice(["Track", "track"]), number,
                               rng.choice([0, level + 1, level + 2, level])))
            lines += _body(rng, [n for n in numbers if n != number], groups)
    ends = [rng.choice(LINE_ENDS) for _ in lines]
    return rng.choice(["", "", "\ufeff"]) + "".join(map(str.__add__, lines, ends))


def _check_parsed(text: str, roadmap: Roadmap, tmp_path: Path) -> None:
    ids = [track.id for track in roadmap.tracks()]
    assert len(ids) == len(set(ids))
    for track in roadmap.tracks():
        track_id = TrackId.parse(track.id)
        assert str(track_id) == track.id
        assert BRANCH.fullmatch(branch_name(track_id, track.title)), track.title
        assert len(slug(track.title)) <= 40
        assert worktree_path(tmp_path, track_id).parent == tmp_path
        assert not CONTROL.search(track.title), repr(track.title)
        assert all(dep in ids for dep in track.depends_on)
        roadmap.track_state(track.id)
    for group in roadmap.groups:
        assert not CONTROL.search(group.title), repr(group.title)
    try:
        roadmap.current_group()
    except RoadmapError as error:
        assert ERROR.match(str(error)) and "\n" not in str(error)
    roadmap.ready_tracks()
    wanted = ids[: len(ids) // 2 + 1]
    if wanted:
        marked = mark_done(text, wanted)
        again = parse(marked)
        assert [t.id for t in again.tracks()] == ids
        assert all(again.track(track).done for track in wanted)
        changed = {t.line for t in roadmap.tracks() if t.id in wanted}
        changed |= {n for g in roadmap.groups for n in (g.line, *g.marks)}
        before, after = LINES.split(text), LINES.split(marked)
        assert len(before) == len(after) and ENDS.findall(text) == ENDS.findall(marked)
        assert [n for n, (a, b) in enumerate(zip(before, after, strict=True), 1)
                if a != b and n not in changed] == []


# Pieces of the forms of DESIGN §11: other words, checklists, Spec Kit, GSD.
GROUP_HEADS = ["Phase", "Milestone", "Stage", "Sprint", "Week", "Day", "Version", "Epic"]
ITEM_IDS = ["T001", "T002", "T012", "1.1", "1.2", "04-01", "04-01-PLAN.md", "v0.3", "M1",
            "../x", "T$(id)", "1.lock", ".hidden", "-rf", "a..b", "9" * 40, "T001;id", ""]
PLAN_LINES = [
    "**Depends on**: Phase {n}", "Depends on: {id}", "**Status**: Done", "Status: complete",
    "<details>", "</details>", "Plans:", "**Plans**: TBD", "  - nested note",
    "  - [ ] {id} nested", "```", "<!-- {id} -->", "| Phase | Status |", "---",
    "- plain bullet {id}", "Prose that mentions Task {n} and Phase {n}.",
]


def random_plan(rng: random.Random) -> str:
    """A plan in the forms people write, with hostile ids and titles mixed in."""
    lines = [rng.choice(["# Tasks: x", "# Roadmap", "", "---"])]
    for _ in range(rng.randrange(1, 6)):
        word, n = rng.choice(GROUP_HEADS), rng.choice(["1", "2", "3", "2.1", "../1", "Q"])
        title = rng.choice(TITLE_PIECES)
        lines.append(rng.choice([
            f"## {word} {n}: {title}", f"### {word} {n} - {title}",
            f"- [{rng.choice(' x')}] **{word} {n}: {title}** - summary",
            f"## {title or 'Notes'}", f"## {n}. {title}"]))
        for _ in range(rng.randrange(0, 6)):
            if rng.random() < 0.6:
                tags = rng.choice(["", "[P] ", "[US1] ", "[P] [US2] "])
                after = rng.choice(["", f" (depends on {rng.choice(ITEM_IDS)})",
                                    f", after {rng.choice(ITEM_IDS)}"])
                lines.append(f"- [{rng.choice(' xX')}] {rng.choice(ITEM_IDS)} {tags}"
                             f"{rng.choice(TITLE_PIECES)}{after}")
            else:
                lines.append(rng.choice(PLAN_LINES).format(n=rng.choice("1234"),
                                                           id=rng.choice(ITEM_IDS)))
    return "".join(line + rng.choice(LINE_ENDS) for line in lines)


@pytest.mark.parametrize("seed", range(3))
def test_random_plans_in_the_new_forms(tmp_path: Path, seed: int) -> None:
    rng = random.Random(1000 + seed)
    parsed = refused = 0
    for _ in range(ROUNDS // 3):
        text = random_plan(rng)
        try:
            roadmap = parse(text)
        except RoadmapError as error:
            found = ERROR.match(str(error))
            assert found and "\n" not in str(error), (str(error), text)
            refused += 1
            continue
        _check_parsed(text, roadmap, tmp_path)
        parsed += 1
    assert parsed and refused, (parsed, refused)


@pytest.mark.parametrize("seed", range(3))
def test_random_roadmaps(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    parsed = refused = 0
    for _ in range(ROUNDS // 3):
        text = random_roadmap(rng)
        try:
            roadmap = parse(text)
        except RoadmapError as error:
            found = ERROR.match(str(error))
            assert found and "\n" not in str(error), (str(error), text)
            if found.group("line"):
                assert 1 <= int(found.group("line")) <= len(LINES.split(text))
            refused += 1
            continue
        _check_parsed(text, roadmap, tmp_path)
        parsed += 1
    assert parsed and refused, (parsed, refused)


LONG_RUN = 20_000
PARSE_ALL = """
import json, sys
from gitorch.roadmap.model import RoadmapError
from gitorch.roadmap.reader import parse
for text in json.load(sys.stdin):
    try:
        parse(text)
    except RoadmapError:
        pass
"""


def test_long_runs_of_one_piece_read_in_linear_time() -> None:
    """A line of 20,000 copies of one piece: no pattern may backtrack across the run.

    In a child process, so that a pattern that does (an emoji run took minutes) ends in
    a timeout rather than a stuck suite.
    """
    texts = [f"## Group A: a\n### Track 2: b\n{prefix}{piece * LONG_RUN}\n"
             for piece in ["\u2705", "\u2b50", "*", "_", "[", "(", "-", " ", "\t", "<!--",
                           "**", "9", "Track ", "[ ", "\u2705 ", "x", "#", "`", "Phase ",
                           "[P] ", "<details>"]
             for prefix in ("## Group A: ", "### Track 1: ", "- [ ] Track 1: ",
                            "Depends on: ", "Prerequisites: ", "")]
    subprocess.run([sys.executable, "-c", PARSE_ALL], input=json.dumps(texts), text=True,
                   timeout=30, check=True)
