"""Drafts read by any form turned into the one model, with ids, dependencies and cycles checked."""

from __future__ import annotations

import textwrap
from collections.abc import Collection
from dataclasses import dataclass, field

from gitorch.names import id_problem
from gitorch.roadmap.labels import read_group_ids
from gitorch.roadmap.lines import Status
from gitorch.roadmap.model import Group, Roadmap, RoadmapError, Track, shown
from gitorch.roadmap.vocabulary import Vocabulary, id_key

# What each track or group ("Group C") waits on: (node, line that says so, written explicitly).
_Edges = dict[str, list[tuple[str, int, bool]]]
_Cycle = list[tuple[str, str, int, bool]]  # (source, target, line, explicit)
# Suffix of the node "C starts", which waits on group C's prerequisites for it and its tracks.
_START = " starts"
# Suffix of the node "C above": every group above group C, for a group that names none.
_ABOVE = " above"


@dataclass
class TrackDraft:
    """A track as a form read it: its id as written and the dependencies it names."""

    number: str
    title: str
    line: int
    status: Status
    body: list[str] = field(default_factory=list)
    deps: list[tuple[str, int]] = field(default_factory=list)  # ("T012" or "D/3", line)
    steps: list[bool] = field(default_factory=list)  # its checkbox sub-steps: ticked or not


@dataclass
class GroupDraft:
    """A group as a form read it; prerequisites None means every group above."""

    id: str
    title: str
    line: int
    status: Status
    tracks: list[TrackDraft] = field(default_factory=list)
    body: list[str] = field(default_factory=list)  # the prompt when it has no tracks
    prerequisites: tuple[str, ...] | None = None
    prerequisite_line: int | None = None
    marks: tuple[int, ...] = ()


def read_prerequisites(path: str, group: GroupDraft, lines: list[tuple[int, str]],
                       known: Collection[str], words: Vocabulary) -> None:
    """Set the group's prerequisites from its "Depends on:" lines, when one names groups."""
    ids: list[str] = []
    for line, text in lines:
        read = read_group_ids(text, known, words)
        if read is None:
            continue  # "Requires: PostgreSQL 15" says nothing about groups
        group.prerequisite_line = group.prerequisite_line or line
        for gid in read:
            if gid not in ids:
                ids.append(gid)
    if group.prerequisite_line is not None:
        group.prerequisites = tuple(ids)


def finish(path: str, drafts: list[GroupDraft], form: str,
           passed_over: list[tuple[int, str, str]]) -> Roadmap:
    """The roadmap these drafts describe; every id, dependency and cycle checked."""
    by_key: dict[str, GroupDraft] = {}
    for draft in drafts:
        _check_id(path, draft.line, "group", draft.id)
        # Group ids name folders as written ("0" and "00" are two), but case may not be kept.
        first = by_key.setdefault(draft.id.upper(), draft)
        if first is not draft:
            same = "" if first.id == draft.id else (
                f" as {first.id}; ids differing only in case share file names")
            raise RoadmapError(f"{path}:{draft.line}: duplicate group {shown(draft.id)} "
                               f"(first at line {first.line}{same})")
        if not draft.tracks:
            # A group with no tracks is itself one track: its body is the prompt.
            draft.tracks.append(TrackDraft("1", draft.title, draft.line, draft.status,
                                           draft.body))
    numbers = {d.id: _numbers(path, d) for d in drafts}
    everywhere: dict[str, list[str]] = {}  # track key -> ids, for "depends on T012" anywhere
    for draft in drafts:
        for track in draft.tracks:
            everywhere.setdefault(id_key(track.number), []).append(f"{draft.id}/{track.number}")
    groups: list[Group] = []
    lines: dict[tuple[str, str], int] = {}
    for draft in drafts:
        tracks = []
        for track in draft.tracks:
            track_id = f"{draft.id}/{track.number}"
            depends: list[str] = []
            for written, line in track.deps:
                dep = _resolve(written, draft.id, by_key, numbers, everywhere)
                if dep is None:
                    named = written if "/" in written else f"{draft.id}/{written}"
                    raise RoadmapError(f"{path}:{line}: track {shown(track_id)} depends on "
                                       f"{shown(named)}, which is not in the roadmap")
                if dep == track_id:
                    raise RoadmapError(f"{path}:{line}: track {shown(track_id)} depends on "
                                       "itself")
                if dep not in depends:
                    depends.append(dep)
                    lines[(track_id, dep)] = line
            status = "done" if draft.status == "done" else track.status
            body = textwrap.dedent("\n".join(track.body)).strip("\n") if track.body else ""
            tracks.append(Track(draft.id, track.number, track.title, body, status,
                                tuple(depends), track.line))
        groups.append(Group(draft.id, draft.title, draft.status, draft.line, tuple(tracks),
                            _prerequisites(path, draft, by_key), draft.marks or (draft.line,),
                            groups[-1] if groups else None, draft.prerequisites is None))
    roadmap = Roadmap(path, tuple(groups), form, tuple(passed_over))
    _check_cycles(path, roadmap, _edges(roadmap, drafts, lines))
    return roadmap


def _check_id(path: str, line: int, what: str, text: str) -> None:
    problem = id_problem(text)
    if problem:
        raise RoadmapError(f"{path}:{line}: {what} id {shown(text)} {problem}")


def _numbers(path: str, draft: GroupDraft) -> dict[str, str]:
    """The group's track ids by key; duplicates and unsafe ids raise."""
    seen: dict[str, TrackDraft] = {}
    for track in draft.tracks:
        _check_id(path, track.line, "track", track.number)
        first = seen.setdefault(id_key(track.number), track)
        if first is not track:
            raise RoadmapError(f"{path}:{track.line}: duplicate track {draft.id}/"
                               f"{track.number} (first at line {first.line})")
    return {key: track.number for key, track in seen.items()}


def _resolve(written: str, gid: str, groups: dict[str, GroupDraft],
             numbers: dict[str, dict[str, str]], everywhere: dict[str, list[str]]
             ) -> str | None:
    """The full id ("E/1") a written dependency names: its group's, then one anywhere."""
    group_part, slash, number = written.rpartition("/")
    group = _group(groups, group_part) if slash else groups.get(gid.upper())
    if group is None:
        return None
    own = numbers[group.id].get(id_key(number))
    if own is not None:
        return f"{group.id}/{own}"
    elsewhere = everywhere.get(id_key(number), [])
    return elsewhere[0] if not slash and len(elsewhere) == 1 else None


def _group(groups: dict[str, GroupDraft], written: str) -> GroupDraft | None:
    """The group a written id names: as written, else the one number it equals (02 is 2)."""
    found = groups.get(written.upper())
    if found is None and written.isdigit():
        same = [g for g in groups.values() if id_key(g.id) == id_key(written)]
        found = same[0] if len(same) == 1 else None
    return found


def _prerequisites(path: str, draft: GroupDraft, groups: dict[str, GroupDraft]
                   ) -> tuple[str, ...]:
    """The groups the draft names as its prerequisites, checked; () when it names none."""
    if draft.prerequisites is None:
        return ()
    ids: list[str] = []
    for written in draft.prerequisites:
        found = _group(groups, written)
        if found is None:
            raise RoadmapError(f"{path}:{draft.prerequisite_line}: group {shown(draft.id)} "
                               f"needs group {shown(written)}, which is not in the roadmap")
        if found is draft:
            raise RoadmapError(f"{path}:{draft.prerequisite_line}: group {shown(draft.id)} "
                               "lists itself as a prerequisite")
        if found.id not in ids:
            ids.append(found.id)
    return tuple(ids)


def _edges(roadmap: Roadmap, drafts: list[GroupDraft], lines: dict[tuple[str, str], int]
           ) -> _Edges:
    edges: _Edges = {}
    for group, draft in zip(roadmap.groups, drafts, strict=True):
        for track in group.tracks:
            edges[track.id] = [(dep, lines[(track.id, dep)], True) for dep in track.depends_on]
        above = group.above
        if above is not None:
            # "Every group above C": B and every group above B, one link at a time.
            edges[group.id + _ABOVE] = [(above.id + _ABOVE, group.line, False),
                                        (f"Group {above.id}", group.line, False)]
        if group.status == "done":
            continue
        # A group waits on its prerequisites, and only finishes when its tracks do. Its
        # tracks wait on them through one node: a copy of every group above for each
        # track made the cycle check quadratic in the size of a long roadmap.
        start = group.id + _START
        line = draft.prerequisite_line
        edges[start] = ([(above.id + _ABOVE, group.line, False),
                         (f"Group {above.id}", group.line, False)]
                        if group.after_above and above is not None else
                        [(f"Group {p}", line or group.line, line is not None)
                         for p in group.named])
        edges[f"Group {group.id}"] = [(start, group.line, False),
                                      *((t.id, t.line, False) for t in group.tracks)]
        for track in group.tracks:
            edges[track.id].append((start, track.line, False))
    return edges
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
    """The cycle with each hop through a group's start node (and the groups-above nodes after
    it) read as one wait, as written."""
    hops = []
    for index, (source, target, line, explicit) in enumerate(cycle):
        if source.endswith((_START, _ABOVE)):
            continue
        if target.endswith(_START):
            _, target, line, explicit = cycle[(index + 1) % len(cycle)]
            while target.endswith(_ABOVE):
                index += 1
                target = cycle[(index + 1) % len(cycle)][1]
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
