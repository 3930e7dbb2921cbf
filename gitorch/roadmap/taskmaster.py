"""Task Master's tasks.json: the current tag is the group, its top-level tasks the tracks."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from gitorch.roadmap.assemble import GroupDraft, TrackDraft, finish
from gitorch.roadmap.jsonspans import JsonError, Located, locate, skip_space
from gitorch.roadmap.lines import Status, clean_title
from gitorch.roadmap.model import Roadmap, RoadmapError, shown

DEFAULT_TAG = "master"
STATE = ".taskmaster/state.json"
_DONE = ("done", "cancelled")
# root -> tag -> "tasks" -> task: the tasks' places are kept, their subtasks decoded whole.
_DEPTH = 3


def current_tag(root: Path) -> str:
    """The tag Task Master works on in this checkout: state.json's currentTag, else master."""
    state = root / STATE
    try:
        data = json.loads(state.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return DEFAULT_TAG
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as bad:
        raise RoadmapError(f"{STATE}: cannot read Task Master's current tag ({bad}); "
                           "run `task-master use-tag master` to write it again") from bad
    tag = data.get("currentTag") if isinstance(data, dict) else None
    return tag if isinstance(tag, str) and tag else DEFAULT_TAG


def read_taskmaster(text: str, path: str, tag: str = "") -> Roadmap:
    """The roadmap a tasks.json describes for tag (Task Master's currentTag, else master)."""
    located, tasks, tag = _tasks(text, path, tag)
    group = GroupDraft(tag, tag, 1, "pending", prerequisites=())
    for task in tasks:
        line = _line(located, task)
        if not isinstance(task, dict) or task.get("id") is None:
            raise RoadmapError(f"{path}:{line}: a task without an id; run `task-master "
                               "validate-dependencies` or give it one")
        draft = TrackDraft(str(task["id"]), clean_title(str(task.get("title") or "")),
                           line, _status(task.get("status")), _body(task))
        place = located.place(task)
        deps_line = located.line(place.values["dependencies"][0]) if (
            place and "dependencies" in place.values) else line
        for dep in task.get("dependencies") or []:
            # A subtask ("3.2") is part of its task: waiting on it is waiting on task 3.
            draft.deps.append((str(dep).split(".")[0], deps_line))
        group.tracks.append(draft)
    if not group.tracks:
        raise RoadmapError(f"{path}: tag {shown(tag)} has no tasks; add some with "
                           "`task-master parse-prd` or `task-master add-task`")
    return finish(path, [group], "taskmaster", _other_tags(located, tag))


def _other_tags(located: Located, tag: str) -> list[tuple[int, str, str]]:
    """The tags gitorch does not run, each with its open tasks: passed over, and why."""
    root = located.value
    place = located.place(root)
    if place is None or isinstance(root.get("tasks"), list):
        return []  # the format before tags: one list, nothing else to say
    found = []
    for name, holder in root.items():
        tasks = holder.get("tasks") if isinstance(holder, dict) else None
        if name == tag or not isinstance(tasks, list):
            continue
        left = sum(isinstance(t, dict) and _status(t.get("status")) != "done" for t in tasks)
        found.append((located.line(place.values[name][0]), f"tag {name}",
                      f"{len(tasks)} tasks, {left} open; not Task Master's current tag "
                      f"(switch with `task-master use-tag {name}`)"))
    return found


def mark_taskmaster(text: str, track_ids: Iterable[str], path: str, tag: str = "") -> str:
    """text with each task's "status" value made "done"; every other byte is kept."""
    located, tasks, tag = _tasks(text, path, tag)
    by_id = {f"{tag}/{task.get('id')}": task for task in tasks if isinstance(task, dict)}
    edits: list[tuple[int, int, str]] = []
    for track_id in track_ids:
        task = by_id.get(track_id)
        place = located.place(task) if task is not None else None
        if task is None or place is None:
            raise RoadmapError(f"{path}: no task {shown(track_id)} in tag {shown(tag)}")
        if task.get("status") == "done":
            continue
        if "status" in place.values:
            start, end = place.values["status"]
            edits.append((start, end, '"done"'))
        else:
            # No status yet: one more key, set off from the next as the first key is.
            first = skip_space(text, place.start + 1)
            gap = text[place.start + 1:first]
            edits.append((first, first, f'"status": "done",{gap or " "}'))
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _tasks(text: str, path: str, tag: str) -> tuple[Located, list[Any], str]:
    """The document, the tag's task list, and the tag read (legacy files have none)."""
    try:
        # A byte order mark read as a space keeps every offset where it is in the text.
        located = locate(" " + text[1:] if text.startswith("\ufeff") else text, _DEPTH)
    except JsonError as bad:
        line = text.count("\n", 0, bad.offset) + 1
        raise RoadmapError(f"{path}:{line}: not valid JSON ({bad}); "
                           "run `task-master validate-dependencies` or fix it by hand") from bad
    root = located.value
    tag = tag or DEFAULT_TAG
    if isinstance(root, dict) and isinstance(root.get("tasks"), list):
        return located, root["tasks"], tag  # the format before tags: one list
    holder = root.get(tag) if isinstance(root, dict) else None
    if not isinstance(holder, dict) or not isinstance(holder.get("tasks"), list):
        tags = ", ".join(sorted(k for k, v in root.items() if isinstance(v, dict))) if (
            isinstance(root, dict)) else ""
        raise RoadmapError(f"{path}: no tasks for tag {shown(tag)} (tags here: {tags or 'none'}); "
                           "switch with `task-master use-tag <tag>`")
    return located, holder["tasks"], tag


def _line(located: Located, task: object) -> int:
    place = located.place(task)
    return located.line(place.start) if place else 1


def _status(value: object) -> Status:
    if value in _DONE:
        return "done"
    return "in_progress" if value == "in-progress" else "pending"


def _body(task: dict[str, Any]) -> list[str]:
    """The agent's prompt: the task's description, details, test strategy and subtasks."""
    parts = [str(task[key]) for key in ("description", "details") if task.get(key)]
    if task.get("testStrategy"):
        parts.append(f"Test strategy: {task['testStrategy']}")
    steps = []
    for sub in task.get("subtasks") or []:
        if not isinstance(sub, dict):
            continue
        box = "x" if sub.get("status") in _DONE else " "
        head = f"- [{box}] {task.get('id')}.{sub.get('id')} {sub.get('title') or ''}".rstrip()
        if sub.get("description"):
            head += f": {sub['description']}"
        steps.append(head)
        steps += [f"  {line}" for line in str(sub.get("details") or "").splitlines()]
    if steps:
        parts.append("Subtasks:\n" + "\n".join(steps))
    return "\n\n".join(parts).splitlines()
