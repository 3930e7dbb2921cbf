"""`gitorch roadmap`: how the plan was read, so a person sees at once what gitorch will run."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gitorch.project import load_roadmap, open_project
from gitorch.roadmap.finding import plans
from gitorch.roadmap.model import Roadmap
from gitorch.tracks.footprints import predicted_footprints
from gitorch.tracks.records import landed_tracks


def describe(cwd: Path) -> dict[str, Any]:
    """The roadmap committed on main as data: form, groups, tracks, headings passed over."""
    project = open_project(cwd)
    roadmap = load_roadmap(project).roadmap
    # A beads export keeps no marks of gitorch's: what landed is done all the same.
    doc = document(roadmap, predicted_footprints(project, roadmap), landed_tracks(project))
    if not project.config.roadmap_given:
        # gitorch chose the plan: show every one it looked at, and why others were not taken.
        doc["considered"] = [plan.summary() for plan in plans(project.paths.main_worktree,
                                                           project.config.roadmap_words)]
    return doc


def document(roadmap: Roadmap, footprints: Mapping[str, tuple[str, ...]] | None = None,
             landed: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The `gitorch roadmap --json` document for a parsed roadmap.

    footprints: each track's predicted files (the files of main its body names); landed: the
    tracks gitorch landed, done whatever the file says.
    """
    prints = footprints or {}
    return {
        "roadmap": roadmap.path,
        "form": roadmap.form,
        "groups": [{
            "id": group.id, "title": group.title, "line": group.line,
            "state": "done" if roadmap.group_done(group, landed) else group.status,
            "depends_on": list(group.prerequisites),
            "tracks": [{"id": track.id, "title": track.title, "line": track.line,
                        "depends_on": list(track.depends_on),
                        "state": roadmap.track_state(track.id, landed),
                        "footprint": list(prints.get(track.id, ()))} for track in group.tracks],
        } for group in roadmap.groups],
        "passed_over": [{"line": line, "heading": heading, "why": why}
                        for line, heading, why in roadmap.passed_over],
    }


def render(doc: dict[str, Any]) -> list[str]:
    """The document as lines for a person."""
    tracks = sum(len(group["tracks"]) for group in doc["groups"])
    lines = [f"{doc['roadmap']}: read as {doc['form']}, {len(doc['groups'])} groups, "
             f"{tracks} tracks"]
    for group in doc["groups"]:
        after = f"  after {', '.join(group['depends_on'])}" if group["depends_on"] else ""
        lines.append(f"  line {group['line']:>4}  group {group['id']}: {group['title']}  "
                     f"[{group['state']}]{after}")
        for track in group["tracks"]:
            deps = f"  after {', '.join(track['depends_on'])}" if track["depends_on"] else ""
            lines.append(f"  line {track['line']:>4}    {track['id']}: {track['title']}  "
                         f"[{track['state']}]{deps}")
    if len(doc.get("considered", [])) > 1:
        lines.append("plans considered (the first with open work is run; set `roadmap:` in "
                     "gitorch.yaml to choose):")
        lines += [f"  {line}" for line in doc["considered"]]
    if doc["passed_over"]:
        lines.append("passed over:")
        lines += [f"  line {item['line']:>4}  {item['heading']}: {item['why']}"
                  for item in doc["passed_over"]]
    return lines
