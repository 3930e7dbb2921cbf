"""Each line of a Markdown plan read once: its heading level, list item and head, which
headings hold task checkboxes, and which group headings hold other groups."""

from __future__ import annotations

from dataclasses import dataclass

from gitorch.roadmap.lines import Head, ListItem, heading_level, item_head, read_head, read_item
from gitorch.roadmap.vocabulary import Vocabulary, id_key


@dataclass(frozen=True)
class Outline:
    """What each line is, by line index; fenced lines are nothing."""

    levels: list[int]  # heading level, 0 for other lines
    items: list[ListItem | None]  # a list item other than a heading
    heads: list[Head | None]  # a group or track, as read_head reads it
    boxed: list[bool]  # a heading whose own body holds task checkboxes
    any_group: bool  # whether the file has any group heading at all
    containers: set[int]  # group headings with deeper group headings under them
    nested: dict[int, str]  # a group heading's id when the groups under one holder clash


def outline(visible: list[tuple[str, bool]], words: Vocabulary) -> Outline:
    """The outline of the plan's lines as mask() shows them."""
    size = len(visible)
    levels = [0] * size
    items: list[ListItem | None] = [None] * size
    heads: list[Head | None] = [None] * size
    boxed = [False] * size
    below = any_group = False
    for index in range(size - 1, -1, -1):
        line, fenced = visible[index]
        if fenced:
            continue
        level = levels[index] = heading_level(line)
        if level:
            head = heads[index] = read_head(line, words)
            boxed[index], below = below, False
            any_group = any_group or bool(head and head.kind == "group")
            continue
        item = items[index] = read_item(line)
        if item is None:
            continue  # neither heading nor list item: no head either
        head = heads[index] = item_head(line, item, words)
        if item[1]:
            below = below or not (head and head.kind == "group")
    containers, nested = _containers(levels, heads)
    return Outline(levels, items, heads, boxed, any_group, containers, nested)


def _containers(levels: list[int], heads: list[Head | None]) -> tuple[set[int], dict[int, str]]:
    """Group headings with deeper group headings under them (these hold groups, not tracks),
    and, when the groups under them reuse ids ("## Milestone 2" / "### Phase 1" again), the
    id each of those groups gets instead: its holder's and its own, "2.1"."""
    found: set[int] = set()
    holder: dict[int, int] = {}  # group heading -> the group heading it is nested in
    open_groups: list[tuple[int, int]] = []  # (level, line index)
    for index, level in enumerate(levels):
        if not level:
            continue
        while open_groups and open_groups[-1][0] >= level:
            open_groups.pop()
        head = heads[index]
        if head and head.kind == "group":
            found.update(i for _, i in open_groups)
            if open_groups:
                holder[index] = open_groups[-1][1]
            open_groups.append((level, index))
    inner = {i: h for i, h in holder.items() if i not in found}
    keys = [id_key(heads[i].key) for i in inner]  # type: ignore[union-attr]
    if len(set(keys)) == len(keys):
        return found, {}
    return found, {i: f"{heads[h].key}.{heads[i].key}"  # type: ignore[union-attr]
                   for i, h in inner.items()}
