"""Done markers written back into roadmap text in the file's own style, every other byte kept."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from gitorch.roadmap.lines import Head, is_done_mark, marked_done, read_head, read_item
from gitorch.roadmap.reader import read_markdown
from gitorch.roadmap.tables import mark_row
from gitorch.roadmap.taskmaster import mark_taskmaster
from gitorch.roadmap.vocabulary import DEFAULT, Vocabulary, json_form


def mark_done(text: str, track_ids: Iterable[str], path: str = "ROADMAP.md",
              words: Vocabulary = DEFAULT) -> str:
    """text with these tracks, and every group they finish, marked done; nothing else changes.

    A beads export is left as it is: its issues are closed through `bd` (see beads.close).
    """
    form = json_form(path, words)
    if form == "taskmaster":
        return mark_taskmaster(text, track_ids, path, words.tag)
    if form == "beads":
        return text
    reading = read_markdown(text, path, words)
    roadmap = reading.roadmap
    wanted = [roadmap.track(track_id) for track_id in track_ids]
    finished = {track.id for track in wanted}
    targets = {track.line for track in wanted if not track.done}
    # Spec Kit ticks tasks only: its phase headings carry no status.
    for group in () if roadmap.form == "speckit" else roadmap.groups:
        if (group.status != "done" and any(track.group == group.id for track in wanted)
                and all(t.done or t.id in finished for t in group.tracks)):
            targets.update(group.marks)
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    pieces, visible = reading.pieces, reading.visible
    lines = [content for content, _ in pieces]
    style = done_style(visible, reading.heads, words)
    rows = {index: table.status for table in reading.tables.values()
            if table.lists_tracks and table.status is not None for index, _ in table.rows}
    for number in sorted(targets):
        column = rows.get(number - 1)
        lines[number - 1] = (mark_row(lines[number - 1], column) if column is not None
                             else _mark(lines[number - 1], visible[number - 1][0], style, words))
    return bom + "".join(line + end for line, (_, end) in zip(lines, pieces, strict=True))


def done_style(lines: list[tuple[str, bool]], heads: list[Head | None],
               words: Vocabulary = DEFAULT) -> str:
    """The done marker this file already uses most on its headings and items, or ✅."""
    counts: Counter[str] = Counter()
    for (line, _), head in zip(lines, heads, strict=True):
        if head is None or head.status != "done":
            continue
        for start, end in head.marks:
            if not is_done_mark(line[start:end], words):
                continue
            # "**[DONE]**": the emphasis around a bracketed marker is part of the style.
            while start > 0 and end < len(line) and line[start - 1] == line[end] in "*_":
                start, end = start - 1, end + 1
            counts[line[start:end]] += 1
    return counts.most_common(1)[0][0] if counts else "\u2705"


def _mark(line: str, visible: str, style: str, words: Vocabulary) -> str:
    head = read_head(visible, words)
    if head is not None:
        return marked_done(line, head, style)
    item = read_item(visible)
    if item and item[1]:
        start, end = item[1]
        return line if line[start + 1] in "xX" else line[:start] + "[x]" + line[end:]
    # A checklist group's heading, which names no group word: the marker goes at its end.
    stripped = line.rstrip()
    return stripped + " " + style + line[len(stripped):]
