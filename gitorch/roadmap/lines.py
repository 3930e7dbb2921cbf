"""Reading single roadmap lines (headings, list items, dependency lists); writing markers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from gitorch.roadmap.vocabulary import DEFAULT, ID, ID_END, Vocabulary, words_pattern

Status = Literal["done", "in_progress", "pending"]
Span = tuple[int, int]
# A list item: its indent, its checkbox, and where its text starts.
ListItem = tuple[int, "Span | None", int]

# Characters that may not reach a title: C0/C1 controls (tabs are whitespace), invisible
# marks and the bidi overrides that make text display differently from what it says.
_CONTROL = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028\u2029"
    "\u202a-\u202e\u2066-\u2069\ufeff"
)
# Emoji and pictographs: decoration around a title, never part of it.
_DECO = (
    "\u00a9\u00ae\u2190-\u21ff\u2300-\u27bf\u2900-\u2bff\u3030\u303d\u3297\u3299"
    "\U0001f000-\U0001faff\ufe0e\ufe0f\u200d\u20e3" + _CONTROL
)
_PENDING_WORDS = r"in[ \t-]?progress|pending"
_CONTROL_RE = re.compile(f"[{_CONTROL}]")
_DIGIT = re.compile("[0-9]")  # in ASCII text, what str.isdigit() says is a digit
_ATX = re.compile(r" {0,3}(#{1,6})(?=[ \t]|$)[ \t]*")
# "[-]": Kiro's task in progress.
_ITEM = re.compile(r"([ \t]*)(?:[-*+]|[0-9]{1,9}[.)])[ \t]+(?:(\[[ xX-]\])[ \t]+)?(?=\S)")
# Markup a title does not keep: bold markers anywhere, a dash or colon left before it, and
# backticks around the whole of it. Code spans inside a title stay: they say something.
_BOLD = re.compile(r"\*\*")
_LEAD = re.compile(r"^[ \t]*(?:[-:\u2013\u2014][ \t]+)+")


@dataclass(frozen=True)
class _Patterns:
    """The line patterns for one vocabulary."""

    token: re.Pattern[str]
    mark: re.Pattern[str]  # token's markers alone: finds the same ones, skipping the rest
    key: re.Pattern[str]
    done: re.Pattern[str]
    words: re.Pattern[str]  # any group or track word, lower-cased: a quick test of a line
    digit_marks: bool  # whether a done word holds a digit


@lru_cache(maxsize=16)
def _patterns(words: Vocabulary) -> _Patterns:
    done = "|".join(["done", "completed?", "shipped", *(re.escape(w) for w in words.done_words)])
    word = rf"(?:{done}|{_PENDING_WORDS})"
    bare = "|".join(["DONE", "COMPLETED?", "SHIPPED", r"IN[ \t-]?PROGRESS", "PENDING",
                     *(re.escape(w.upper()) for w in words.done_words)])
    mark = (
        # A marker's decoration is read from the start of its run only: trying every position
        # inside a long run of emoji would take time quadratic in its length.
        rf"(?<![{_DECO}])[{_DECO}]+[ \t]*(?i:{word})\b"
        r"|(?:\u2705|\U0001f504|\u23f3)\ufe0f?"
        rf"|(?:\*\*|__)[ \t]*(?i:{word})[ \t]*(?:\*\*|__)"
        rf"|\[[ \t]*(?i:x|{word})?[ \t]*\]"
        rf"|\([ \t]*(?i:{word})[ \t]*\)"
        # A bare word is a marker only in capitals: "Mark as done" is a title.
        rf"|\b(?:{bare})\b"
    )
    # Every other token is one character, so a search for markers alone stops where this does.
    token = re.compile(rf"(?P<mark>{mark})|(?P<deco>[{_DECO}\s*_~])|(?P<other>.)", re.S)
    groups, tracks = words_pattern(words.group_words), words_pattern(words.track_words)
    # Words in scripts that put the number first ("1단계", "2段階") also read that way.
    after = tuple(w for w in words.group_words if not w.isascii())
    number_first = (rf"|(?P<number>[0-9]+(?:[._-][0-9]+)*)[ \t]*"
                    rf"(?P<word_after>{words_pattern(after)}){ID_END}") if after else ""
    key = re.compile(
        rf"(?:(?P<gword>{groups})[ \t]+(?P<group>{ID}){ID_END}"
        rf"|(?P<tword>{tracks})[ \t]+(?P<track>{ID}){ID_END}{number_first})"
        r"(?P<close>[*_]*)(?:[ \t]*(?P<punct>[:.\-\u2013\u2014])|[ \t]+|$)[ \t]*"
    )
    return _Patterns(token, re.compile(mark, re.S), key,
                     re.compile(rf"\u2705|(?i:\b(?:{done})\b)|^\[[ \t]*[xX][ \t]*\]$"),
                     re.compile("|".join(sorted({re.escape(w.strip().lower().split()[0])
                                                 for w in (*words.group_words,
                                                           *words.track_words)
                                                 if w.strip()}))),
                     any(c.isdigit() for w in words.done_words for c in w))


_FENCE = re.compile(r"[ \t]*(`{3,}|~{3,})")
@dataclass(frozen=True)
class Head:
    """A group heading, or a track heading or list item, as read from one line."""

    kind: Literal["group", "track"]
    key: str  # the group id, or the track number as written
    title: str
    status: Status
    level: int  # heading level; 0 for a list item
    indent: int  # a list item's indent in columns
    marks: tuple[Span, ...]  # status markers that mark_done may rewrite
    box: Span | None  # a list item's checkbox
    insert_at: int  # where " ✅" goes when there is no marker to rewrite


def split_lines(text: str) -> list[tuple[str, str]]:
    """Text as (content, line end) pairs, so that joining them gives the text back."""
    parts = re.split(r"(\r\n|\r|\n)", text)
    pairs = list(zip(parts[0::2], [*parts[1::2], ""], strict=True))
    if pairs[-1] == ("", ""):
        pairs.pop()
    return pairs


def mask(lines: list[str]) -> list[tuple[str, bool]]:
    """Each line as the parser sees it, and whether it is fenced code.

    Fenced code reads as a blank line; HTML comments turn into spaces, so every column of
    what is left stays where it was in the file.
    """
    out: list[tuple[str, bool]] = []
    fence = ""
    comment = False
    for line in lines:
        if fence:
            if re.fullmatch(rf"[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*", line):
                fence = ""
            out.append(("", True))
            continue
        opening = None if comment else _FENCE.match(line)
        if opening:
            fence = opening.group(1)
            out.append(("", True))
            continue
        if not comment and "<!--" not in line:
            out.append((line, False))  # most lines: nothing to hide
            continue
        chars = list(line)
        pos = 0
        while pos < len(line):
            end = line.find("-->", pos) if comment else line.find("<!--", pos)
            if comment:
                stop = len(line) if end < 0 else end + 3
                chars[pos:stop] = " " * (stop - pos)
                comment, pos = end < 0, stop
            elif end < 0:
                break
            else:
                comment, pos = True, end
        out.append(("".join(chars), False))
    return out


def indent_of(line: str) -> int:
    """Leading whitespace in columns, tabs to the next multiple of 4."""
    if "\t" not in line:
        return len(line) - len(line.lstrip())
    expanded = line.expandtabs(4)
    return len(expanded) - len(expanded.lstrip())


def heading_level(line: str) -> int:
    """The ATX heading level of a line, or 0 when it is not a heading."""
    found = _ATX.match(line)
    return len(found.group(1)) if found else 0


def read_head(line: str, words: Vocabulary = DEFAULT) -> Head | None:
    """A line as a group or track heading, or a track list item; None when it is neither."""
    heading = _ATX.match(line)
    if heading:
        end = len(line.rstrip())
        hashes = len(line[:end].rstrip("#"))
        if hashes < end and (hashes == heading.end() or line[hashes - 1] in " \t"):
            end = len(line[:hashes].rstrip())  # the optional closing "###"
        return _read(line, heading.end(), end, len(heading.group(1)), 0, None, words)
    item = read_item(line)
    return None if item is None else item_head(line, item, words)


def item_head(line: str, item: ListItem, words: Vocabulary = DEFAULT) -> Head | None:
    """A list item (as read_item reads it) as a track; None when it is not one."""
    return _read(line, item[2], len(line.rstrip()), 0, item[0], item[1], words)


def read_item(line: str) -> ListItem | None:
    """A list item's indent, checkbox and where its text starts; None for other lines."""
    item = _ITEM.match(line)
    if item is None:
        return None
    return indent_of(item.group(1)), (item.span(2) if item.group(2) else None), item.end()


def heading_text(line: str) -> tuple[str, Status] | None:
    """A heading's title without markers or decoration, and its status; None if no heading."""
    heading = _ATX.match(line)
    if heading is None:
        return None
    end = len(line.rstrip().rstrip("#").rstrip()) if line.rstrip().endswith("#") else len(
        line.rstrip())
    start, stop, marks = _title_span(line, heading.end(), max(end, heading.end()), DEFAULT)
    title = " ".join(_CONTROL_RE.sub("", line[start:stop]).strip("*_ \t").split())
    return title, _combined([_status(line[s:e], DEFAULT) for s, e in marks])


def clean_title(text: str) -> str:
    """Text as a title: no control or invisible characters, emphasis around it dropped,
    runs of whitespace made one space."""
    return tidy_title(" ".join(_CONTROL_RE.sub("", text).strip("*_ \t").split()))


def tidy_title(title: str) -> str:
    """A title without the markup it was written with: bold, a leading dash, wrapping `s."""
    title = _LEAD.sub("", _BOLD.sub("", title)).strip()
    if len(title) > 2 and title[0] == title[-1] == "`" and "`" not in title[1:-1]:
        title = title[1:-1].strip()
    return title


def box_status(mark: str) -> Status:
    """What a checkbox says: [x] done, [-] in progress, [ ] pending."""
    return "done" if mark in "xX" else "in_progress" if mark == "-" else "pending"


def _combined(statuses: list[Status]) -> Status:
    if "done" in statuses:
        return "done"
    return "in_progress" if "in_progress" in statuses else "pending"


def _read(line: str, start: int, end: int, level: int, indent: int, box: Span | None,
          words: Vocabulary) -> Head | None:
    compiled = _patterns(words)
    # The key must be the first text after markers and decoration: find a candidate first,
    # so that the many lines holding no group or track word are not tokenized at all.
    lower = line.lower()
    ascii_only = line.isascii()
    first_word = compiled.words.search(lower, start if ascii_only else 0)
    if first_word is None:
        return None
    if ascii_only:
        # Lower-casing kept every column: the key cannot start before the first word, and
        # a digit before that word is a digit before the key.
        if not compiled.digit_marks and _DIGIT.search(line, start, first_word.start()):
            return None
        start_key = max(start, first_word.start())
    else:
        start_key = start
    candidate = compiled.key.search(line, start_key, end)
    # Markers hold no digits: "T001 [P] Task 2" has text before its "Task".
    if candidate is None or (not compiled.digit_marks and (
            _DIGIT.search(line, start, candidate.start()) if ascii_only
            else any(c.isdigit() for c in line[start:candidate.start()]))):
        return None
    marks: list[Span] = []
    for token in compiled.token.finditer(line, start, candidate.start()):
        if token.lastgroup == "other":
            return None  # text before the key: "A person can use part 3" is no part
        if token.lastgroup == "mark":
            marks.append(token.span())
    key_at = candidate.start()
    key = compiled.key.match(line, key_at, end)
    if key is None:
        return None
    title_end, note = end, (end, end)
    emphasis = re.search(r"[*_]{1,3}$", line[start:key_at])
    delim = emphasis.group() if emphasis else ""
    closing = line.find(delim, key.end(), end) if delim and not key.group("close") else -1
    if closing >= 0 and line[key.end():closing].strip():
        # Bold (or italic) track text: the title is the emphasised part, a note after it is not.
        title_end, note = closing, (closing + len(delim), end)
    title_start, title_stop, title_marks = _title_span(line, key.end(), title_end, words)
    marks += title_marks
    marks += [found.span() for found in compiled.mark.finditer(line, *note)]
    title = tidy_title(" ".join(_CONTROL_RE.sub("", line[title_start:title_stop]).split()))
    group = key.group("group") or (key.group("number") if after_words(words) else None)
    the_id = group or key.group("track")
    word = (key.group("gword") or key.group("tword") or key.group("word_after")).lower()
    lettered = not any(c.isdigit() for c in the_id)
    if lettered and word not in ("group", "track") and not re.fullmatch("[A-Z]{1,3}", the_id):
        return None  # "## Release Notes: 2024" is not release "Notes"; "Epic A" is an epic
    if not key.group("punct"):
        # Without a separator only a short id reads as one: "## Group Overview" is prose.
        if lettered and (len(the_id) > 3 or the_id.islower()):
            return None
        if title and level == 0 and box is None and not delim:
            return None  # "- Track 1 must land first" is a sentence, not a track
    # A checkbox wins over words in the title.
    status = (box_status(line[box[0] + 1]) if box
              else _combined([_status(line[s:e], words) for s, e in marks]))
    insert_at = note[0] if level == 0 and note[0] < end else end
    return Head("group" if group else "track", group or key.group("track"), title, status,
                level, indent, tuple(marks), box, insert_at)


def after_words(words: Vocabulary) -> bool:
    """Whether some group word is written after its number, so the key has that branch."""
    return any(not w.isascii() for w in words.group_words)


def _title_span(line: str, start: int, end: int, words: Vocabulary
                ) -> tuple[int, int, list[Span]]:
    """Where the title text is between start and end, and the markers around it."""
    marks: list[Span] = []
    first = last = -1  # where the title's text starts and ends
    before = inside = 0  # how many markers come before it, and up to its end
    for found in _patterns(words).token.finditer(line, start, end):
        kind = found.lastgroup
        if kind == "mark":
            marks.append(found.span())
        elif kind == "other":
            if first < 0:
                first, before = found.start(), len(marks)
            last, inside = found.end(), len(marks)
    if first < 0:
        return end, end, marks
    return first, last, marks[:before] + marks[inside:]


def _status(mark: str, words: Vocabulary) -> Status:
    if _patterns(words).done.search(mark.strip("*_()[] \t")) or re.fullmatch(
            r"\[[ \t]*[xX][ \t]*\]", mark):
        return "done"
    if "\U0001f504" in mark or "progress" in mark.lower():
        return "in_progress"
    return "pending"


def done_pattern(words: Vocabulary = DEFAULT) -> re.Pattern[str]:
    """What says done in a marker or a status line: ✅, a done word, a ticked box."""
    return _patterns(words).done


def is_done_mark(mark: str, words: Vocabulary = DEFAULT) -> bool:
    """Whether a marker says done in words or signs, not just with a ticked box."""
    return not re.fullmatch(r"\[[ \t]*[xX][ \t]*\]", mark) and _status(mark, words) == "done"


def marked_done(line: str, head: Head, style: str = "\u2705") -> str:
    """The line with its pending or in-progress markers turned into done ones."""
    edits: list[tuple[int, int, str]] = []
    if head.box and line[head.box[0] + 1] == " ":
        edits.append((head.box[0], head.box[1], "[x]"))
    for start, end in head.marks:
        done = _done_mark(line[start:end])
        if done != line[start:end]:
            edits.append((start, end, done))
    if not edits:
        edits.append((head.insert_at, head.insert_at, " " + style))
    for start, end, new in sorted(edits, reverse=True):
        line = line[:start] + new + line[end:]
    return line


def _done_mark(mark: str) -> str:
    mark = re.sub("(?:\u23f3|\U0001f504)\ufe0f?", "\u2705", mark)
    mark = re.sub(r"^\[[ \t]*\]$", "[x]", mark)
    return re.sub(r"(?i:in[ \t-]?progress|pending)", _done_word, mark)


def _done_word(word: re.Match[str]) -> str:
    """'done' in the case the marker was written in: PENDING -> DONE, Pending -> Done."""
    text = word.group()
    if text.isupper():
        return "DONE"
    return "Done" if text[0].isupper() else "done"
