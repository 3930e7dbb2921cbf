"""beads' `.beads/issues.jsonl`: each epic is a group, its children its tracks."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gitorch.process import ProcessError, run
from gitorch.roadmap.assemble import GroupDraft, TrackDraft, finish
from gitorch.roadmap.lines import Status, clean_title
from gitorch.roadmap.model import Roadmap, RoadmapError, shown

# Issues under no epic: one group of their own, after the epics.
LOOSE = "issues"
_BODY = ("description", "design", "acceptance_criteria", "notes")


@dataclass
class _Issue:
    """One line of the export."""

    id: str
    line: int
    data: dict[str, Any]

    def links(self, kind: str) -> list[str]:
        """The ids this issue names in its dependencies of this type."""
        found = []
        for dep in self.data.get("dependencies") or []:
            if isinstance(dep, dict) and dep.get("type", "blocks") == kind and (
                    dep.get("issue_id", self.id) == self.id and dep.get("depends_on_id")):
                found.append(str(dep["depends_on_id"]))
        return found

    @property
    def epic(self) -> bool:
        return self.data.get("issue_type") == "epic"


def read_beads(text: str, path: str) -> Roadmap:
    """The roadmap an issues.jsonl export describes."""
    issues = _issues(text, path)
    groups: dict[str, GroupDraft] = {}
    for issue in issues.values():
        if issue.epic:
            groups[issue.id] = GroupDraft(issue.id, _title(issue), issue.line,
                                          _status(issue), body=_body(issue), prerequisites=())
    where: dict[str, str] = {}  # issue id -> its group's id
    for issue in issues.values():
        if issue.epic:
            continue
        epic = _epic_above(issue, issues)
        if epic is None:
            epic = LOOSE
            groups.setdefault(LOOSE, GroupDraft(LOOSE, "Issues outside any epic", issue.line,
                                                "pending", prerequisites=()))
        where[issue.id] = epic
        groups[epic].tracks.append(TrackDraft(issue.id, _title(issue), issue.line,
                                              _status(issue), _body(issue)))
    drafts = sorted(groups.values(), key=lambda g: (g.id == LOOSE, g.line))
    tracks = {t.number: t for g in drafts for t in g.tracks}

    def members(epic: str) -> list[str]:
        # An epic with no children runs as one track, itself.
        return [f"{epic}/{t.number}" for t in groups[epic].tracks] or [f"{epic}/1"]

    for issue in issues.values():
        for blocker in issue.links("blocks"):
            if blocker.startswith("external:"):
                continue  # another project's issue: nothing gitorch can wait on
            if blocker not in issues:
                raise RoadmapError(f"{path}:{issue.line}: issue {shown(issue.id)} is blocked "
                                   f"by {shown(blocker)}, which is not in the export")
            waits = members(blocker) if issues[blocker].epic else [
                f"{where[blocker]}/{blocker}"]
            if issue.epic and issues[blocker].epic:
                group = groups[issue.id]
                group.prerequisites = (*(group.prerequisites or ()), blocker)
                group.prerequisite_line = group.prerequisite_line or issue.line
                continue
            waiting = list(groups[issue.id].tracks) if issue.epic else [tracks[issue.id]]
            for track in waiting:
                track.deps.extend((dep, issue.line) for dep in waits)
    if not drafts:
        raise RoadmapError(f"{path}: no issues; create some with `bd create`")
    return finish(path, drafts, "beads", [])


def issue_of(roadmap: Roadmap, track_id: str) -> str:
    """The beads issue a track stands for: its own, or its epic's when the epic is the track."""
    track = roadmap.track(track_id)
    group = roadmap.group(track.group)
    return group.id if track.line == group.line and group.id != LOOSE else track.number


def _issues(text: str, path: str) -> dict[str, _Issue]:
    issues: dict[str, _Issue] = {}
    for number, line in enumerate(text.removeprefix("\ufeff").splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as bad:
            raise RoadmapError(f"{path}:{number}: not a JSON issue ({bad.msg}); "
                               "export again with `bd export`") from bad
        if not isinstance(data, dict) or not data.get("id"):
            raise RoadmapError(f"{path}:{number}: an issue without an id")
        if data.get("status") == "tombstone":
            continue  # deleted, kept only so other clones learn of it
        issue = _Issue(str(data["id"]), number, data)
        if issue.id in issues:
            raise RoadmapError(f"{path}:{number}: duplicate issue {shown(issue.id)} "
                               f"(first at line {issues[issue.id].line})")
        issues[issue.id] = issue
    return issues


def _epic_above(issue: _Issue, issues: dict[str, _Issue]) -> str | None:
    """The nearest epic among the issue's parents, if any."""
    seen = {issue.id}
    parents = issue.links("parent-child")
    while parents:
        parent = issues.get(parents[0])
        if parent is None or parent.id in seen:
            return None
        if parent.epic:
            return parent.id
        seen.add(parent.id)
        parents = parent.links("parent-child")
    return None


def _title(issue: _Issue) -> str:
    return clean_title(str(issue.data.get("title") or "")) or issue.id


def _status(issue: _Issue) -> Status:
    status = issue.data.get("status")
    return "done" if status == "closed" else "in_progress" if status == "in_progress" \
        else "pending"


def _body(issue: _Issue) -> list[str]:
    parts = [str(issue.data[key]) for key in _BODY if issue.data.get(key)]
    return "\n\n".join(parts).splitlines()


def close_issues(root: Path, roadmap: Roadmap, landed: list[str], before: frozenset[str]
                 ) -> list[str]:
    """Close the issues of the tracks just landed, and the epics they finish, with `bd close`;
    before: the tracks landed earlier. Returns notes for the person."""
    ids = [issue_of(roadmap, track) for track in landed if not roadmap.track(track).done]
    every = before | frozenset(landed)
    ids += [group.id for group in roadmap.groups if group.id != LOOSE and not group.done
            and any(t.id in landed for t in group.tracks) and roadmap.group_done(group, every)
            and group.id not in ids]
    if not ids:
        return []
    if shutil.which("bd") is None:
        return [f"bd is not on PATH, so gitorch cannot write back to {roadmap.path} (left "
                f"as it is); close the landed issues with: bd close {' '.join(ids)}"]
    notes = []
    for issue in ids:
        try:
            run(["bd", "close", issue], cwd=root)
        except ProcessError as failed:
            notes.append(f"could not close {issue} with bd ({failed}); run bd close {issue}")
    return notes
