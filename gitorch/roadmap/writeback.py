"""Done markers written back into roadmap text, every other byte unchanged."""

from __future__ import annotations

from collections.abc import Iterable

from gitorch.roadmap.lines import marked_done, mask, read_head, split_lines
from gitorch.roadmap.reader import parse


def mark_done(text: str, track_ids: Iterable[str], path: str = "ROADMAP.md") -> str:
    """text with these tracks, and every group they finish, marked done; nothing else changes."""
    roadmap = parse(text, path)
    wanted = [roadmap.track(track_id) for track_id in track_ids]
    finished = {track.id for track in wanted}
    targets = {track.line for track in wanted if not track.done}
    targets.update(group.line for group in roadmap.groups
                   if group.status != "done" and group.tracks
                   and any(track.group == group.id for track in wanted)
                   and all(t.done or t.id in finished for t in group.tracks))
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    pieces = split_lines(text[len(bom):])
    lines = [content for content, _ in pieces]
    visible = mask(lines)
    for number in sorted(targets):
        head = read_head(visible[number - 1][0])
        assert head is not None, "parse found a group or track on this line"
        lines[number - 1] = marked_done(lines[number - 1], head)
    return bom + "".join(line + end for line, (_, end) in zip(lines, pieces, strict=True))
