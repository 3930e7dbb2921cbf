"""Markdown tables in a plan: status tables whose rows are tracks, GSD's Progress table."""

from __future__ import annotations

import re
from dataclasses import dataclass

from gitorch.roadmap.assemble import TrackDraft
from gitorch.roadmap.lines import Status, tidy_title
from gitorch.roadmap.vocabulary import ID

_SEPARATOR = re.compile(r"[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*")
_ID_HEADS = ("id", "#", "task id", "no", "no.", "ref", "key")
_TASK_HEADS = ("task", "title", "name", "item", "deliverable", "feature", "story", "work",
               "description")
_DONE = re.compile(r"(?i:\b(?:done|complete|completed|shipped|finished)\b|\u2705|\[x\])")
_ID = re.compile(rf"(?=[A-Za-z0-9._-]*[0-9]){ID}")
_PHASE = re.compile(rf"[*_ \t]*(?i:phase[ \t]+)?(?P<id>{ID})")
_STARTED = re.compile(r"(?i:\bin[ \t-]?progress\b|\bwip\b|\bstarted\b|\U0001f504|\[-\])")


@dataclass(frozen=True)
class Table:
    """A table: its header cells and its rows, each (line index, cells)."""

    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]

    def column(self, names: tuple[str, ...]) -> int | None:
        """The first column whose header is one of names (any case), if any."""
        lowered = [cell.lower().strip("*_ ") for cell in self.header]
        return next((lowered.index(n) for n in names if n in lowered), None)

    @property
    def status(self) -> int | None:
        """The status column, if the table has one."""
        return self.column(("status", "state"))

    @property
    def progress(self) -> bool:
        """Whether this is a table of phases and their states (GSD's Progress)."""
        return bool(self.header) and self.header[0].lower().strip("*_ ").startswith(
            "phase") and self.status is not None

    @property
    def lists_tracks(self) -> bool:
        """Whether its rows are tracks: an id or task column, and a status column."""
        return not self.progress and self.status is not None and (
            self.column(_ID_HEADS) is not None or self.column(_TASK_HEADS) is not None)


def cells(line: str) -> tuple[str, ...] | None:
    """A table row's cells, without the outer pipes; None when the line is not a row."""
    text = line.strip()
    if not text.startswith("|"):
        return None
    parts = re.split(r"(?<!\\)\|", text[1:].removesuffix("|") if text.endswith("|") and len(
        text) > 1 else text[1:])
    return tuple(part.strip() for part in parts)


def find_tables(visible: list[tuple[str, bool]]) -> dict[int, Table]:
    """Every table outside code, by the index of its header line."""
    found: dict[int, Table] = {}
    index = 0
    while index + 1 < len(visible):
        line, fenced = visible[index]
        header = None if fenced else cells(line)
        if header is None or visible[index + 1][1] or not _SEPARATOR.fullmatch(
                visible[index + 1][0]):
            index += 1
            continue
        rows = []
        at = index + 2
        while at < len(visible) and not visible[at][1] and (row := cells(visible[at][0])):
            rows.append((at, row))
            at += 1
        found[index] = Table(header, tuple(rows))
        index = at
    return found


def cell_status(text: str) -> Status:
    """What a status cell says."""
    return "done" if _DONE.search(text) else "in_progress" if _STARTED.search(text) \
        else "pending"


def row_title(table: Table, row: tuple[str, ...]) -> str:
    """A row's title: its task column, else its id."""
    column = table.column(_TASK_HEADS)
    if column is None or column >= len(row) or not row[column]:
        column = table.column(_ID_HEADS)
    return tidy_title(row[column]) if column is not None and column < len(row) else ""


def row_id(table: Table, row: tuple[str, ...]) -> str | None:
    """A row's id cell, if the table has an id column."""
    column = table.column(_ID_HEADS)
    return tidy_title(row[column]) if column is not None and column < len(row) else None


def mark_row(line: str, column: int) -> str:
    """The row with its status cell saying Done, its padding kept."""
    pipes = [m.start() for m in re.finditer(r"(?<!\\)\|", line)]
    first = 0 if line.strip().startswith("|") else -1
    start_pipe = first + column
    if start_pipe < 0 or start_pipe + 1 >= len(pipes):
        return line.rstrip() + " \u2705" + line[len(line.rstrip()):]
    start, end = pipes[start_pipe] + 1, pipes[start_pipe + 1]
    old = line[start:end]
    new = "Done"
    padded = old[:len(old) - len(old.lstrip())] + new
    padded += " " * max(1, len(old) - len(padded)) if old.endswith(" ") else ""
    return line[:start] + padded + line[end:]


def table_tracks(table: Table, first: int) -> list[TrackDraft]:
    """A status table's rows as tracks: ids from its id column, else by position from first."""
    tracks = []
    for position, (index, row) in enumerate(table.rows, first):
        written = row_id(table, row)
        number = written if written and _ID.fullmatch(written) else str(position)
        status = table.status
        tracks.append(TrackDraft(number, row_title(table, row) or number, index + 1,
                                 cell_status(row[status]) if status is not None and status < len(
                                     row) else "pending"))
    return tracks


def done_phases(table: Table) -> list[str]:
    """The phase ids a Progress table says are complete ("1. Setup | 2/2 | Complete")."""
    done = []
    for _, row in table.rows:
        found = _PHASE.match(row[0]) if row else None
        status = table.status
        if found and status is not None and status < len(row) and cell_status(
                row[status]) == "done":
            done.append(found.group("id"))
    return done
