"""Lines that label a group or track: "Depends on:" lists of ids, and "Status:" lines."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache

from gitorch.roadmap.lines import Status, done_pattern
from gitorch.roadmap.vocabulary import DEFAULT, ID, ID_END, Vocabulary, words_pattern

_NONE = r"(?P<none>(?i:none|nothing|n/a)\b)"
_SEPARATOR = r"(?P<sep>[,;+&]|(?i:and)\b)"
_WITH_DIGIT = rf"(?=[A-Za-z0-9._-]*[0-9]){ID}"
_LABEL = re.compile(
    r"[ \t]*(?:(?:[-*+]|[0-9]{1,9}[.)])[ \t]+)?[*_]{0,2}"
    r"(?P<label>(?i:prerequisites?|dependencies|depends[ \t]+on|after|requires?))"
    r"[ \t]*(?:[*_]{0,2}[ \t]*:|:[ \t]*[*_]{0,2})(?P<rest>.*)"
)
_STATUS_LINE = re.compile(
    r"[ \t]*(?:[-*+][ \t]+)?[*_]{0,2}(?i:status)[ \t]*(?:[*_]{0,2}[ \t]*:|:[ \t]*[*_]{0,2})"
    r"[ \t]*(?P<rest>.*)")


@dataclass(frozen=True)
class _Lists:
    """The id-list patterns for one vocabulary."""

    track_ids: re.Pattern[str]
    group_ids: re.Pattern[str]


@lru_cache(maxsize=16)
def _lists(words: Vocabulary) -> _Lists:
    groups, tracks = words_pattern(words.group_words), words_pattern(words.track_words)
    track_ids = re.compile(
        rf"[ \t]*(?:{_SEPARATOR}|(?P<note>\([^)]*\))|(?P<kw>{tracks}s?\b(?![-._]))"
        r"|(?P<range>[1-9][0-9]*)[ \t]*[-\u2013][ \t]*(?P<to>[1-9][0-9]*)\b(?![.-][0-9A-Za-z])"
        rf"|(?P<id>(?:{ID}/)?{_WITH_DIGIT}){ID_END}|{_NONE}|(?P<emph>[*_`]+))"
    )
    group_ids = re.compile(
        rf"[ \t]*(?:{_SEPARATOR}|(?P<kw>{groups}s?\b(?![-._]))|{_NONE}|(?P<id>{ID})\b"
        r"|(?P<emph>[*_`]+))"
    )
    return _Lists(track_ids, group_ids)


def read_status_line(line: str, words: Vocabulary = DEFAULT) -> Status | None:
    """The status a "Status: Done" line gives; None for other lines."""
    found = _STATUS_LINE.match(line)
    if found is None:
        return None
    rest = found.group("rest").strip("*_ \t")
    if done_pattern(words).match(rest) or rest.startswith("\u2705"):
        return "done"
    return "in_progress" if re.match(r"(?i:in[ \t-]?progress)", rest) else "pending"


def read_label(line: str) -> re.Match[str] | None:
    """A "Depends on:"-style line: its label and the text after it."""
    return _LABEL.match(line)


def read_track_ids(text: str, words: Vocabulary = DEFAULT) -> list[str] | None:
    """Track ids from the start of text ("Track 1, 2 and D/3"); [] for "None"; None if none."""
    ids: list[str] = []
    pos = 0
    while found := _lists(words).track_ids.match(text, pos):
        pos = found.end()
        if found.lastgroup == "id":
            ids.append(found.group("id"))
        elif found.group("range"):
            if max(len(found.group("range")), len(found.group("to"))) > 9:
                break  # no track has a number this long; int() would refuse the longest
            low, high = int(found.group("range")), int(found.group("to"))
            if not low <= high <= low + 100:
                break
            ids.extend(str(n) for n in range(low, high + 1))
        elif found.lastgroup == "none":
            return ids
    return ids or None


def read_group_ids(text: str, known: Collection[str], words: Vocabulary = DEFAULT
                   ) -> list[str] | None:
    """Group ids from the start of text, up to the first word that is not one; None if none."""
    ids: list[str] = []
    pos = 0
    after_keyword = seen_keyword = False
    expect_id = True
    while found := _lists(words).group_ids.match(text, pos):
        pos, kind = found.end(), found.lastgroup
        if kind == "emph":
            continue
        if kind == "none":
            return ids  # "None" first: no prerequisites at all
        if kind == "kw":
            after_keyword = seen_keyword = expect_id = True
            continue
        if kind == "sep":
            expect_id = True
            continue
        word = found.group("id")
        # After "Group" any word is an id ("Group Q" is a typo to report); elsewhere only a
        # known id or a short capitalised one is, so "complete" or "but" ends the list.
        looks_like_id = word in known or (seen_keyword and re.fullmatch("[A-Z0-9]{1,3}", word))
        if not expect_id or not (after_keyword or looks_like_id):
            break
        ids.append(word)
        after_keyword = expect_id = False
    return ids or None
