"""Roadmaps kept parsed in the state folder, so that reading one again skips the reader.

Importing the reader and compiling its vocabulary's patterns costs a command tens of
milliseconds, far more than parsing a plan. The last roadmap parsed is kept as JSON with
everything it was parsed from: the plan's exact text, its path, the vocabulary, and the
reader's own source files (name, size and modification time of each, as Python checks its
bytecode). It is used again only when all of them are the same, so an edit of either is
seen at once. A plan that does not parse is parsed, and refused, every time; an entry
that cannot be read or makes no sense is ignored.
"""

from __future__ import annotations

import os
from contextlib import suppress
from pathlib import Path
from typing import Any

from gitorch import __version__
from gitorch.disk import DiskFull
from gitorch.names import id_problem
from gitorch.roadmap.model import Group, Roadmap, Track
from gitorch.roadmap.vocabulary import Vocabulary
from gitorch.state import StateDir, read_json, write_json

_STATUSES = ("done", "in_progress", "pending")
# The parse is the roadmap package's, and the ids it checks are names.py's.
_CODE = (Path(__file__).parent, Path(__file__).parent.parent / "names.py")


def parse_kept(state: StateDir, text: str, path: str, words: Vocabulary) -> Roadmap:
    """parse(text, path, words), from the state folder when it holds that very parse."""
    key = _key(text, path, words)
    entry = read_json(state.parsed_roadmap)
    if entry is not None and entry.get("of") == key:
        with suppress(KeyError, IndexError, TypeError, ValueError, AttributeError):
            return _roadmap(entry["roadmap"])
    from gitorch.roadmap.reader import parse  # the reader and its patterns: only now

    roadmap = parse(text, path, words)
    if state.root.is_dir():  # only where `gitorch init` made the state folder
        # A state folder gitorch may not write to, or a full disk, costs only the cache;
        # KeyError: a group whose link above is to none of the roadmap's, which JSON could
        # not give back.
        with suppress(OSError, DiskFull, KeyError):
            write_json(state.parsed_roadmap, {"of": key, "roadmap": _document(roadmap)})
    return roadmap


def _key(text: str, path: str, words: Vocabulary) -> dict[str, Any]:
    return {"gitorch": __version__, "code": _code_stamp(), "path": path, "text": text,
            "words": [words.format, list(words.group_words), list(words.track_words),
                      list(words.done_words), words.tag]}


def _code_stamp() -> list[list[object]]:
    """Each source file of the reader: its name, size and modification time."""
    found: list[list[object]] = []
    for place in _CODE:
        entries = ([(entry.name, entry.stat()) for entry in os.scandir(place)
                    if entry.name.endswith(".py")] if place.is_dir()
                   else [(place.name, place.stat())])
        found += sorted([name, stat.st_size, stat.st_mtime_ns] for name, stat in entries)
    return found


def _document(roadmap: Roadmap) -> dict[str, Any]:
    """The roadmap as JSON values; a group's link to the one above, as that one's position."""
    position = {id(group): index for index, group in enumerate(roadmap.groups)}
    return {"path": roadmap.path, "form": roadmap.form,
            "passed_over": [list(item) for item in roadmap.passed_over],
            "groups": [{"id": g.id, "title": g.title, "status": g.status, "line": g.line,
                        "named": list(g.named), "marks": list(g.marks),
                        "above": None if g.above is None else position[id(g.above)],
                        "after_above": g.after_above,
                        "tracks": [[t.group, t.number, t.title, t.body, t.status,
                                    list(t.depends_on), t.line] for t in g.tracks]}
                       for g in roadmap.groups]}


def _roadmap(document: dict[str, Any]) -> Roadmap:
    """The roadmap _document() wrote; raises (KeyError, TypeError...) if it is damaged."""
    groups: list[Group] = []
    for g in document["groups"]:
        above = g["above"]
        tracks = tuple(Track(_id(group), _id(number), _text(title), _text(body), _status(status),
                             tuple(_text(dep) for dep in deps), _line(line))
                       for group, number, title, body, status, deps, line in g["tracks"])
        groups.append(Group(_id(g["id"]), _text(g["title"]), _status(g["status"]),
                            _line(g["line"]), tracks, tuple(_id(n) for n in g["named"]),
                            tuple(_line(n) for n in g["marks"]),
                            None if above is None else groups[_line(above)],
                            g["after_above"] is True))
    passed_over = tuple((_line(line), _text(heading), _text(why))
                        for line, heading, why in document["passed_over"])
    return Roadmap(_text(document["path"]), tuple(groups), _text(document["form"]), passed_over)


def _text(value: object) -> str:
    if type(value) is not str:
        raise TypeError(value)
    return value


def _id(value: object) -> str:
    if id_problem(_text(value)):
        raise ValueError(value)
    return str(value)


def _line(value: object) -> int:
    if type(value) is not int or value < 0:
        raise ValueError(value)
    return value


def _status(value: object) -> Any:
    if value not in _STATUSES:
        raise ValueError(value)
    return value
