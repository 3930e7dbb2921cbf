"""ROADMAP.md text -> groups and tracks (DESIGN §2)."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

from gitorch.names import GROUP_ID_MAX, TRACK_NUMBER_DIGITS
from gitorch.roadmap.lines import (
    Head,
    heading_level,
    indent_of,
    mask,
    read_group_ids,
    read_head,
    read_label,
    read_track_ids,
    split_lines,
)
from gitorch.roadmap.model import Group, Roadmap, RoadmapError, Track, shown

# What each track or group ("Group C") waits on: (node, line that says so, written explicitly).
_Edges = dict[str, list[tuple[str, int, bool]]]
_Cycle = list[tuple[str, str, int, bool]]  # (source, target, line, explicit)
# Suffix of the node "C starts", which waits on group C's prerequisites for it and its tracks.
_START = " starts"


@dataclass
class _TrackDraft:
    head: Head
    line: int
    body: list[str] = field(default_factory=list)
    deps: list[tuple[int, str, str]] = field(default_factory=list)  # (line, label, text)


@dataclass
class _GroupDraft:
    head: Head
    line: int
    tracks: list[_TrackDraft] = field(default_factory=list)
    prerequisites: list[tuple[int, str]] = field(default_factory=list)  # (line, text)
    numbers: dict[int, int] = field(default_factory=dict)  # track number -> line


def parse(text: str, path: str = "ROADMAP.md") -> Roadmap:
    """Read roadmap text; path is only used in error messages."""
    lines = [content for content, _ in split_lines(text.removeprefix("\ufeff"))]
    drafts = _scan(lines, path)
    if not drafts:
        raise RoadmapError(
            f"{path}: no groups found (expected headings like '## Group A: Title')")
    known = [draft.head.key for draft in drafts]
    groups = []
    edges: _Edges = {}
    for index, draft in enumerate(drafts):
        gid = draft.head.key
        tracks = tuple(_track(path, gid, draft, t, edges) for t in draft.tracks)
        prerequisites, line = _prerequisites(path, draft, known[:index], known)
        group = Group(gid, draft.head.title, draft.head.status, draft.line, tracks, prerequisites)
        groups.append(group)
        if group.status != "done":
            # A group waits on its prerequisites, and only finishes when its tracks do. Its
            # tracks wait on them through one node: a copy of every group above for each
            # track made the cycle check quadratic in the size of a long roadmap.
            start = gid + _START
            edges[start] = [(f"Group {p}", line or group.line, line is not None)
                            for p in prerequisites]
            edges[f"Group {gid}"] = [(start, group.line, False),
                                     *((t.id, t.line, False) for t in tracks)]
            for track in tracks:
                edges.setdefault(track.id, []).append((start, track.line, False))
    roadmap = Roadmap(path, tuple(groups))
    known_tracks = {track.id for track in roadmap.tracks()}
    for track in roadmap.tracks():
        for dep in track.depends_on:
            if dep not in known_tracks:
                line = next(n for target, n, _ in edges[track.id] if target == dep)
                raise RoadmapError(f"{path}:{line}: track {track.id} depends on {shown(dep)}, "
                                   "which is not in the roadmap")
    _check_cycles(path, roadmap, edges)
    return roadmap


def _scan(lines: list[str], path: str) -> list[_GroupDraft]:
    """Walk the lines once, gathering groups, their tracks and the lines that belong to each."""
    drafts: list[_GroupDraft] = []
    group: _GroupDraft | None = None
    track: _TrackDraft | None = None
    seen_groups: dict[str, tuple[str, int]] = {}  # upper-cased id -> (id, line)
    for index, (visible, fenced) in enumerate(mask(lines)):
        number, raw = index + 1, lines[index]
        level = heading_level(visible)
        in_item_body = (track is not None and track.head.level == 0 and bool(raw.strip())
                        and indent_of(raw if fenced else visible) > track.head.indent)
        head = None if fenced or in_item_body else read_head(visible)
        if head and head.kind == "group" and level:
            if len(head.key) > GROUP_ID_MAX:
                raise RoadmapError(f"{path}:{number}: group id {shown(head.key)} is too long "
                                   f"(at most {GROUP_ID_MAX} letters and digits)")
            # Ids that differ only in case would share file names where case is not kept.
            first_id, first_line = seen_groups.setdefault(head.key.upper(), (head.key, number))
            if first_line != number:
                same = "" if first_id == head.key else (
                    f" as {first_id}; ids differing only in case share file names")
                raise RoadmapError(f"{path}:{number}: duplicate group {head.key} "
                                   f"(first at line {first_line}{same})")
            group, track = _GroupDraft(head, number), None
            drafts.append(group)
            continue
        if group and head and head.kind == "track" and (level == 0 or level > group.head.level):
            if len(head.key) > TRACK_NUMBER_DIGITS:
                raise RoadmapError(f"{path}:{number}: track number {shown(head.key)} is too "
                                   f"long (at most {TRACK_NUMBER_DIGITS} digits)")
            first = group.numbers.setdefault(int(head.key), number)
            if first != number:
                raise RoadmapError(f"{path}:{number}: duplicate track {group.head.key}/"
                                   f"{int(head.key)} (first at line {first})")
            track = _TrackDraft(head, number)
            group.tracks.append(track)
            continue
        if level and group and level <= group.head.level:
            group = track = None
        elif track and level:
            if track.head.level == 0 or level <= track.head.level:
                track = None
        elif track and track.head.level == 0 and raw.strip() and not in_item_body:
            track = None  # a list item's body is its indented lines
        label = None if fenced else read_label(visible)
        if track:
            if raw.strip() and not visible.strip() and not fenced:
                continue  # wholly inside an HTML comment: not for the agent either
            track.body.append(raw)
            if label and label.group("label").lower().startswith(("depends", "after")):
                track.deps.append((number, label.group("label"), label.group("rest")))
        elif group and not group.tracks and label:
            group.prerequisites.append((number, label.group("rest")))
    return drafts


def _track(path: str, gid: str, group: _GroupDraft, draft: _TrackDraft, edges: _Edges
           ) -> Track:
    number = int(draft.head.key)
    track_id = f"{gid}/{number}"
    depends: list[str] = []
    for line, label, text in draft.deps:
        ids = read_track_ids(text)
        if ids is None:
            if label.lower().startswith("after"):
                continue  # "After: the registry lands" is prose, not a dependency
            raise RoadmapError(f"{path}:{line}: cannot read the dependencies of track "
                               f"{track_id}: list tracks like 'Track 2', '2' or 'D/3'")
        for dep in ids:
            dep_group, _, dep_number = dep.rpartition("/")
            # As int() would read it, without its cost (or its limit) on a long number.
            dep_id = f"{dep_group or gid}/{dep_number.lstrip('0') or '0'}"
            if dep_id == track_id:
                raise RoadmapError(f"{path}:{line}: track {track_id} depends on itself")
            if dep_id not in depends:
                depends.append(dep_id)
                edges.setdefault(track_id, []).append((dep_id, line, True))
    body = textwrap.dedent("\n".join(draft.body)).strip("\n")
    # A group marked done covers its tracks, marked or not.
    status = "done" if group.head.status == "done" else draft.head.status
    return Track(gid, number, draft.head.title, body, status, tuple(depends), draft.line)


def _prerequisites(path: str, draft: _GroupDraft, above: list[str], known: list[str]
                   ) -> tuple[tuple[str, ...], int | None]:
    """The groups named by the group's prerequisite line and its number, or every group above."""
    first: int | None = None
    ids: list[str] = []
    for line, text in draft.prerequisites:
        read = read_group_ids(text, known)
        if read is None:
            continue  # "Requires: PostgreSQL 15" says nothing about groups
        first = first or line
        for gid in read:
            if gid not in known:
                raise RoadmapError(f"{path}:{line}: group {draft.head.key} needs group "
                                   f"{shown(gid)}, which is not in the roadmap")
            if gid == draft.head.key:
                raise RoadmapError(
                    f"{path}:{line}: group {gid} lists itself as a prerequisite")
            if gid not in ids:
                ids.append(gid)
    return (tuple(ids), first) if first else (tuple(above), None)


def _check_cycles(path: str, roadmap: Roadmap, edges: _Edges) -> None:
    """Raise on the first cycle of waits, at the line of a dependency written in it."""
    found = _find_cycle(edges, [n for g in roadmap.groups
                                for n in (f"Group {g.id}", *(t.id for t in g.tracks))])
    if not found:
        return
    found = _bypass_starts(found)
    order = {t.id: t.line for t in roadmap.tracks()}
    order.update((f"Group {g.id}", g.line) for g in roadmap.groups)
    # Start at the first written dependency in file order, so the same cycle always reads alike.
    start = min(range(len(found)), key=lambda i: (not found[i][3], order[found[i][0]]))
    cycle = found[start:] + found[:start]
    names = " -> ".join([*(source for source, _, _, _ in cycle), cycle[0][0]])
    raise RoadmapError(f"{path}:{cycle[0][2]}: dependency cycle: {names}")


def _bypass_starts(cycle: _Cycle) -> _Cycle:
    """The cycle with each hop through a group's start node read as one wait, as written."""
    hops = []
    for index, (source, target, line, explicit) in enumerate(cycle):
        if source.endswith(_START):
            continue
        if target.endswith(_START):
            _, target, line, explicit = cycle[(index + 1) % len(cycle)]
        hops.append((source, target, line, explicit))
    return hops


def _find_cycle(edges: _Edges, nodes: list[str]) -> _Cycle | None:
    """The edges (source, target, line, explicit) of one cycle, found depth first."""
    state: dict[str, bool] = {}  # False: on the current path; True: finished
    for root in nodes:
        if root in state:
            continue
        state[root] = False
        path: _Cycle = []
        stack = [(root, iter(edges.get(root, [])))]
        while stack:
            node, pending = stack[-1]
            for target, line, explicit in pending:
                if state.get(target) is False:
                    on_path = [source for source, _, _, _ in path] + [node]
                    return [*path[on_path.index(target):], (node, target, line, explicit)]
                if target not in state:
                    state[target] = False
                    path.append((node, target, line, explicit))
                    stack.append((target, iter(edges.get(target, []))))
                    break
            else:
                state[node] = True
                stack.pop()
                if path:
                    path.pop()
    return None
