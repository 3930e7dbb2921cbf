"""JSON read with where each object and value stands in the text, so one value can be rewritten
in place and every other byte kept as the tool that wrote the file left it."""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from typing import Any

Span = tuple[int, int]

_DECODER = json.JSONDecoder()


class JsonError(ValueError):
    """The text is not JSON; offset is where reading stopped."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


@dataclass
class Spanned:
    """An object's place in the text: where it starts, and where each of its values stands."""

    start: int
    values: dict[str, Span] = field(default_factory=dict)


@dataclass
class Located:
    """A document and the places of its objects down to a depth, keyed by id() of each."""

    value: Any
    places: dict[int, Spanned]
    _newlines: list[int]

    def place(self, obj: object) -> Spanned | None:
        """Where this object (one of value's own, not a copy) stands, if it was located."""
        return self.places.get(id(obj))

    def line(self, offset: int) -> int:
        """The 1-based line of an offset."""
        return bisect.bisect_right(self._newlines, offset - 1) + 1


def locate(text: str, depth: int) -> Located:
    """Parse text as JSON, keeping the places of objects nested at most depth levels deep.

    Deeper values are decoded whole, at the speed of the json module: a big plan stays fast.
    """
    places: dict[int, Spanned] = {}
    start = skip_space(text, 0)
    try:
        value, end = _value(text, start, depth, places)
    except (json.JSONDecodeError, RecursionError) as bad:
        offset = bad.pos if isinstance(bad, json.JSONDecodeError) else 0
        raise JsonError(getattr(bad, "msg", "nested too deeply"), offset) from bad
    end = skip_space(text, end)
    if end != len(text):
        raise JsonError("extra data after the document", end)
    newlines = [m.start() for m in re.finditer("\n", text)]
    return Located(value, places, newlines)


def _value(text: str, at: int, depth: int, places: dict[int, Spanned]) -> tuple[Any, int]:
    if depth < 0 or at >= len(text) or text[at] not in "{[":
        return _DECODER.raw_decode(text, at)
    if text[at] == "[":
        items: list[Any] = []
        at = skip_space(text, at + 1)
        if text.startswith("]", at):
            return items, at + 1
        while True:
            item, at = _value(text, at, depth - 1, places)
            items.append(item)
            at = _after(text, at, "]")
            if text[at - 1] == "]":
                return items, at
    obj: dict[str, Any] = {}
    spanned = Spanned(at)
    at = skip_space(text, at + 1)
    if text.startswith("}", at):
        places[id(obj)] = spanned
        return obj, at + 1
    while True:
        if not text.startswith('"', at):
            raise json.JSONDecodeError("expected a key in double quotes", text, at)
        key, at = json.decoder.scanstring(text, at + 1)  # type: ignore[attr-defined]
        at = skip_space(text, at)
        if not text.startswith(":", at):
            raise json.JSONDecodeError("expected ':'", text, at)
        at = skip_space(text, at + 1)
        begin = at
        obj[key], at = _value(text, at, depth - 1, places)
        spanned.values[key] = (begin, at)
        at = _after(text, at, "}")
        if text[at - 1] == "}":
            places[id(obj)] = spanned
            return obj, at


def skip_space(text: str, at: int) -> int:
    """Past the white space at."""
    while at < len(text) and text[at] in " \t\n\r":
        at += 1
    return at


def _after(text: str, at: int, close: str) -> int:
    """Past the comma (and the space after it) or the closing bracket after a value."""
    at = skip_space(text, at)
    if text.startswith(close, at):
        return at + 1
    if not text.startswith(",", at):
        raise json.JSONDecodeError(f"expected ',' or '{close}'", text, at)
    return skip_space(text, at + 1)
