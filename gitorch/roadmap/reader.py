"""Roadmap text -> the model, in one scan for every form: tracks, checklists, Spec Kit, GSD."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath

from gitorch.roadmap.assemble import GroupDraft, TrackDraft, finish, read_prerequisites
from gitorch.roadmap.labels import read_label, read_status_line, read_track_ids
from gitorch.roadmap.lines import (
    Head,
    box_status,
    clean_title,
    heading_level,
    heading_text,
    indent_of,
    mask,
    split_lines,
)
from gitorch.roadmap.model import Roadmap, RoadmapError
from gitorch.roadmap.ordering import WAVE, Item, speckit_order, wave_order
from gitorch.roadmap.outline import Outline, outline
from gitorch.roadmap.tables import Table, done_phases, find_tables, table_tracks
from gitorch.roadmap.vocabulary import DEFAULT, FORMATS, ID, Vocabulary, id_key, json_form

# An item's own id: "T012", "04-01", "1.2", "1." (Kiro), "03-01-PLAN.md" (GSD's plan file).
_ITEM_ID = re.compile(
    rf"(?=[A-Za-z0-9._-]*[0-9])(?P<id>{ID})(?i:-PLAN\.md)?\.?(?=[\s:\u2013\u2014]|$)"
    r"[ \t]*(?:[:\u2013\u2014-][ \t]*)?")
_TAG = re.compile(r"[ \t]*\[(?P<tag>P|US\d+|[A-Z][A-Za-z]*\d*)\][ \t]*")
_TEXT_DEPS = re.compile(r"(?i:\b(?:depends[ \t]+on|after)[ \t]+)")
_SPECKIT_ID = re.compile(r"T[0-9]{2,}")
_BOLD_ID = re.compile(rf"^(?P<em>\*\*|__)(?P<id>(?=[A-Za-z0-9._-]*[0-9]){ID})(?P=em)")
_ID_TOKEN = re.compile(rf"(?=[A-Za-z0-9._-]*[0-9]){ID}")  # "Q3", "H1": one more piece of id
_DETAILS = re.compile(r"<(/?)details\b", re.I)


@dataclass
class _Scan:
    """Everything one pass over the lines has gathered."""

    path: str
    words: Vocabulary
    drafts: list[GroupDraft] = field(default_factory=list)
    by_key: dict[str, GroupDraft] = field(default_factory=dict)
    items: dict[str, list[Item]] = field(default_factory=dict)  # group id -> its tracks
    waves: dict[str, int] = field(default_factory=dict)  # group id -> the wave it is in
    labels: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # prerequisites
    headed: set[str] = field(default_factory=set)  # groups that have their own heading
    passed_over: list[tuple[int, str, str]] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)  # what was read: checklist, speckit, gsd
    taken: set[str] = field(default_factory=set)  # keys of the group ids the file writes
    tables: dict[int, Table] = field(default_factory=dict)  # by the index of the header
    listed: dict[tuple[str, str], TrackDraft] = field(default_factory=dict)  # checkbox tasks
    visible: list[tuple[str, bool]] = field(default_factory=list)  # the lines as mask() shows
    shape: Outline | None = None


@dataclass(frozen=True)
class Reading:
    """A Markdown plan read: the roadmap, and its lines as the reader saw them."""

    roadmap: Roadmap
    pieces: list[tuple[str, str]]  # (content, line end), as split_lines gives them
    visible: list[tuple[str, bool]]
    heads: list[Head | None]
    tables: dict[int, Table]


def parse(text: str, path: str = "ROADMAP.md", words: Vocabulary = DEFAULT) -> Roadmap:
    """Read roadmap text in the form words.format names (auto: whichever it is)."""
    form = json_form(path, words)
    # The JSON forms' readers are imported for their files only.
    if form == "taskmaster":
        from gitorch.roadmap.taskmaster import read_taskmaster

        return read_taskmaster(text, path, words.tag)
    if form == "beads":
        from gitorch.roadmap.beads import read_beads

        return read_beads(text, path)
    return read_markdown(text, path, words).roadmap


def read_markdown(text: str, path: str = "ROADMAP.md", words: Vocabulary = DEFAULT
                  ) -> Reading:
    """Read Markdown roadmap text (past a byte order mark) in words.format's form."""
    if words.format not in FORMATS:
        raise RoadmapError(f"{path}: unknown roadmap.format {words.format!r}")
    pieces = split_lines(text.removeprefix("\ufeff"))
    lines = [content for content, _ in pieces]
    scan = _scan(lines, _Scan(path, words))
    if not scan.drafts:
        raise RoadmapError(
            f"{path}: no groups found (tried the forms tracks, checklist, speckit and gsd: "
            "expected headings like '## Group A: Title' or '## Phase 1: Setup', or checkbox "
            "items under a heading; set roadmap.group_words, roadmap.track_words or "
            "roadmap.format in gitorch.yaml)")
    speckit = words.format == "speckit" or (
        words.format == "auto" and "gsd" not in scan.seen and any(
            _SPECKIT_ID.fullmatch(item.track.number) for items in scan.items.values()
            for item in items if item.weak))
    for table in scan.tables.values():
        for phase in done_phases(table) if table.progress else ():
            found = scan.by_key.get(id_key(phase))
            if found is not None:
                found.status = "done"  # GSD's Progress table: "| 1. Setup | 2/2 | Complete |"
                scan.seen.add("gsd")
    known = {draft.id for draft in scan.drafts}
    for draft in scan.drafts:
        items = scan.items.get(draft.id, [])
        if any(not item.weak for item in items):
            # Checkboxes or numbered sections beside "Track N" tracks are notes in the group.
            scan.items[draft.id] = [item for item in items if not item.weak]
            draft.tracks = [item.track for item in scan.items[draft.id]]
        for item in scan.items.get(draft.id, []):
            if item.weak and item.track.steps and all(item.track.steps):
                item.track.status = "done"  # every step ticked: the task is done
        if speckit:
            speckit_order(scan.items.get(draft.id, []))
        wave_order(scan.items.get(draft.id, []))
        read_prerequisites(path, draft, scan.labels.get(draft.id, []), known, words)
    form = ("speckit" if speckit else "gsd" if "gsd" in scan.seen or words.format == "gsd"
            else "checklist" if "checklist" in scan.seen else "tracks")
    heads = scan.shape.heads if scan.shape else []
    return Reading(finish(path, scan.drafts, form, scan.passed_over), pieces, scan.visible,
                   heads, scan.tables)


def _scan(lines: list[str], scan: _Scan) -> _Scan:
    """Walk the lines once, gathering groups, their tracks and the lines that belong to each."""
    words, path = scan.words, scan.path
    checklists = words.format in ("auto", "checklist", "speckit", "gsd")
    visible_lines = scan.visible = mask(lines)
    shape = scan.shape = outline(visible_lines, words)
    heads, boxed, containers, nested = shape.heads, shape.boxed, shape.containers, shape.nested
    scan.taken = {id_key(h.key) for h in heads if h and h.kind == "group"}
    scan.tables = find_tables(visible_lines)
    group: GroupDraft | None = None
    group_level = 0
    track: tuple[TrackDraft, int, int] | None = None  # (draft, level, indent)
    details = 0
    for index, (visible, fenced) in enumerate(visible_lines):
        number, raw = index + 1, lines[index]
        if not fenced and "<" in visible:
            for found in _DETAILS.finditer(visible):
                details = max(0, details + (-1 if found.group(1) else 1))
        level = shape.levels[index]
        in_item_body = (track is not None and track[1] == 0 and bool(raw.strip())
                        and indent_of(raw if fenced else visible) > track[2])
        head = None if fenced or in_item_body else heads[index]
        item = None if in_item_body else shape.items[index]
        if head and head.kind == "group" and level and index not in containers:
            if index in nested:
                head = replace(head, key=nested[index])
            group, group_level, track = _open_group(scan, head, number, details), level, None
            continue
        if head and head.kind == "group" and level:
            head = None  # "## Milestone 1" above "### Phase 1" headings: their heading only
        if head and head.kind == "group" and item and item[1] and checklists and group is None:
            _mention(scan, head, number, details)  # GSD's summary: "- [ ] **Phase 3: X**"
            continue
        if head and head.kind == "track" and group is None and not shape.any_group and (
                level or item):
            group, group_level = _implicit_group(scan, lines), 0
        if head and head.kind == "track" and group and (level == 0 or level > group_level):
            draft = TrackDraft(head.key, head.title, number, head.status)
            _add_track(scan, group, draft, parallel=False, weak=False)
            track = (draft, head.level, head.indent)
            continue
        if level:
            text, status_mark = heading_text(visible) or ("", "pending")
            if group and level <= group_level:
                group = None
            own = _ITEM_ID.match(text) if group and level > group_level and (
                track is None or level <= track[1]) else None
            if group and own and text[own.end():].strip():
                # "#### TASK-001: Title" or "### 1.1 Install" in a group: a track by its id.
                draft = TrackDraft(_own_id(own), text[own.end():].strip(), number, status_mark)
                _add_track(scan, group, draft, parallel=False, weak=True)
                track = (draft, level, 0)
                continue
            if group is None and checklists and boxed[index]:
                group, group_level = _checklist_group(scan, visible, number, details), level
                track = None
                continue
            if track and (track[1] == 0 or level <= track[1]):
                track = None
            if track is None:
                why = (f"a section of group {group.id}" if group else
                       "it holds the groups below it" if index in containers else
                       "no group or track word, and no task checkboxes under it")
                scan.passed_over.append((number, text, why))
        elif track and track[1] == 0 and raw.strip() and not in_item_body:
            track = None  # a list item's body is its indented lines
        if group and track is None and item and item[1] and checklists:
            text = _unbold(visible[item[2]:].strip())  # "**T045** Title"
            own = _ITEM_ID.match(text)
            parent = _parent_task(scan, group, text, own)
            if parent is not None:
                # Kiro's sub-task "- [ ] 2.1" written flush under "- [ ] 2.": a step of 2.
                parent.body.append(raw)
                parent.steps.append(box_status(visible[item[1][0] + 1]) == "done")
                track = (parent, 0, item[0])
                continue
            draft = _checkbox_track(scan, group, visible[item[1][0] + 1], text, own, number)
            track = (draft, 0, item[0])
            continue
        wave = None if fenced or not group or (track and track[1]) or (
            "**" not in visible and "__" not in visible) else WAVE.fullmatch(visible.strip())
        if wave and group:
            scan.waves[group.id] = int(wave.group("n"))  # GSD: the plans below are wave n
            track = None
            continue
        table = None if fenced or not group or track else scan.tables.get(index)
        if table and group and table.lists_tracks and checklists:
            for draft in table_tracks(table, len(group.tracks) + 1):
                _add_track(scan, group, draft, parallel=False, weak=True)
        # Both labels end in a colon: most lines hold none and are answered at once.
        labelled = not fenced and ":" in visible
        label = read_label(visible) if labelled else None
        status = read_status_line(visible, words) if labelled else None
        if track:
            if raw.strip() and not visible.strip() and not fenced:
                continue  # wholly inside an HTML comment: not for the agent either
            track[0].body.append(raw)
            step = shape.items[index] if track[1] == 0 else None
            if step and step[1]:
                track[0].steps.append(box_status(visible[step[1][0] + 1]) == "done")
            if status == "done":
                track[0].status = "done"
            if label and label.group("label").lower().startswith(("depend", "after")):
                _label_deps(path, group, track[0], number, label.group("label"),
                            label.group("rest"), words)
        elif group:
            group.body.append(raw)
            if status == "done":
                group.status = "done"
            if label and not scan.items.get(group.id):
                scan.labels.setdefault(group.id, []).append((number, label.group("rest")))
    return scan


def _open_group(scan: _Scan, head: Head, number: int, details: int) -> GroupDraft:
    key = id_key(head.key)
    found = scan.by_key.get(key)
    if found and key not in scan.headed:
        # A phase the summary listed first: its heading is the same phase, in detail.
        scan.headed.add(key)
        found.title = head.title or found.title
        if head.status == "done" or details:
            found.status = "done"
        scan.seen.add("gsd")
        return found
    draft = GroupDraft(head.key, head.title, number, "done" if details else head.status)
    if found:
        draft.id = head.key  # finish() reports the duplicate at this line
    else:
        scan.by_key[key] = draft
    scan.headed.add(key)
    scan.drafts.append(draft)
    if details:
        scan.seen.add("gsd")  # milestones folded in <details> are history
    return draft


def _mention(scan: _Scan, head: Head, number: int, details: int) -> None:
    """A checkbox item naming a group: the group's marker line, or the group itself."""
    scan.seen.add("gsd")
    key = id_key(head.key)
    found = scan.by_key.get(key)
    status = "done" if details else head.status
    if found is None:
        found = GroupDraft(head.key, head.title, number, status)
        scan.by_key[key] = found
        scan.drafts.append(found)
    elif status == "done":
        found.status = "done"
    found.marks = (*found.marks, number)


def _implicit_group(scan: _Scan, lines: list[str]) -> GroupDraft:
    """The one group of a plan of tracks with no group above them, named after its title."""
    title = next((text for line in lines if heading_level(line) == 1
                  for text, _ in [heading_text(line) or ("", "pending")] if text),
                 PurePosixPath(scan.path).stem)
    draft = GroupDraft("1", title, 1, "pending")
    scan.by_key[id_key("1")] = draft
    scan.drafts.append(draft)
    return draft


def _checklist_group(scan: _Scan, visible: str, number: int, details: int) -> GroupDraft:
    """A heading with no group word whose body holds checkboxes: "## 1. Setup", "## Tasks"."""
    scan.seen.add("checklist")
    text, status = heading_text(visible) or ("", "pending")
    own = _ITEM_ID.match(text)
    rest = text[own.end():].strip() if own else text
    if own and _ID_TOKEN.fullmatch(rest):
        gid, title = f"{_own_id(own)}-{rest}", text  # "2025 Q3": the whole heading is its id
    elif own:
        gid, title = _own_id(own), rest
    else:
        # By position, past every number the file gives a group ("## Phase 7") or took.
        position = len(scan.drafts) + 1
        while id_key(str(position)) in scan.taken or id_key(str(position)) in scan.by_key:
            position += 1
        gid, title = str(position), text
    draft = GroupDraft(gid, title or text, number, "done" if details else status)
    scan.by_key.setdefault(id_key(gid), draft)
    scan.headed.add(id_key(gid))
    scan.drafts.append(draft)
    return draft


def _checkbox_track(scan: _Scan, group: GroupDraft, box: str, text: str,
                    own: re.Match[str] | None, number: int) -> TrackDraft:
    """A top-level checkbox item as a track (box: the mark in its box; text: what follows,
    own: the id text starts with, if any)."""
    scan.seen.add("checklist")
    number_text = _own_id(own) if own else str(len(scan.items.get(group.id, [])) + 1)
    rest = text[own.end():] if own else text
    parallel = False
    while tag := _TAG.match(rest):
        parallel = parallel or tag.group("tag") == "P"
        rest = rest[tag.end():]
    title = clean_title(rest)
    draft = TrackDraft(number_text, title or clean_title(text), number, box_status(box))
    lower = rest.lower()
    for found in _TEXT_DEPS.finditer(rest) if "depend" in lower or "after" in lower else ():
        for dep in read_track_ids(rest[found.end():], scan.words) or []:
            draft.deps.append((dep, number))
    _add_track(scan, group, draft, parallel, weak=True)
    scan.listed.setdefault((group.id, id_key(number_text)), draft)
    return draft


def _parent_task(scan: _Scan, group: GroupDraft, text: str, own: re.Match[str] | None
                 ) -> TrackDraft | None:
    """The checkbox task of this group a dotted id ("2.1") is a sub-task of ("2"), if any."""
    if "." not in text.split(" ", 1)[0]:
        return None  # not a dotted id: the common case, answered at once
    parent, dot, _ = _own_id(own).rpartition(".") if own else ("", "", "")
    if not dot:
        return None
    return scan.listed.get((group.id, id_key(parent)))


def _own_id(found: re.Match[str]) -> str:
    """The id an item starts with, without GSD's "-PLAN.md" file suffix."""
    text = found.group("id")
    return text[:-len("-PLAN.md")] if text.lower().endswith("-plan.md") else text


def _unbold(text: str) -> str:
    """text with bold taken off the id it starts with: "**T045** Title" -> "T045 Title"."""
    return _BOLD_ID.sub(r"\g<id>", text, count=1) if text[:2] in ("**", "__") else text


def _add_track(scan: _Scan, group: GroupDraft, draft: TrackDraft, parallel: bool,
               weak: bool) -> None:
    group.tracks.append(draft)
    scan.items.setdefault(group.id, []).append(
        Item(draft, parallel, weak, wave=scan.waves.get(group.id)))


def _label_deps(path: str, group: GroupDraft | None, track: TrackDraft, number: int,
                label: str, text: str, words: Vocabulary) -> None:
    ids = read_track_ids(text, words)
    if ids is None:
        if label.lower().startswith("after"):
            return  # "After: the registry lands" is prose, not a dependency
        gid = group.id if group else "?"
        raise RoadmapError(f"{path}:{number}: cannot read the dependencies of track "
                           f"{gid}/{track.number}: list tracks like 'Track 2', '2' or 'D/3'")
    track.deps.extend((dep, number) for dep in ids)
