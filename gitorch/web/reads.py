"""What the page reads: the status and report documents, a track's log and its diff."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from gitorch import git
from gitorch.commands.report import report
from gitorch.commands.status import collect
from gitorch.errors import GitorchError
from gitorch.git.diffs import branch_diff
from gitorch.names import TrackId
from gitorch.project import Project, load_roadmap
from gitorch.report.html import svg
from gitorch.status.fetching import BackgroundFetch
from gitorch.tracks.records import TrackRecord

LOG_CHUNK = 256 * 1024  # bytes of log sent at once; the page asks again for the rest
FILE_HEADER = re.compile(r"^diff --git a/(.*) b/(.*)$")


class UnknownTrack(GitorchError):
    """A track id the roadmap does not have: the page answers 404."""


def known_track(project: Project, text: str) -> TrackId:
    """The roadmap's track of that id; UnknownTrack if it has none."""
    ids = {track.id: track for track in load_roadmap(project).roadmap.tracks()}
    track = ids.get(text)
    if track is None:
        raise UnknownTrack(f"{project.config.roadmap} has no track {text}; "
                           "gitorch status lists the tracks")
    return TrackId(track.group, track.number)


def state(root: Path, fetcher: BackgroundFetch | None) -> dict[str, Any]:
    """The status document, as `gitorch status --json` prints it; the remote is asked in
    the background (as by `status --watch`), so that no poll waits for it."""
    document = collect(root, fetch=False)
    if fetcher is not None and fetcher.warning:
        document["warning"] = fetcher.warning
    return document


def timeline(root: Path) -> dict[str, Any]:
    """The report document of `gitorch report --json`, and its timeline drawn as SVG."""
    document = report(root, None)
    return {"report": document.as_json(), "svg": svg(document)}


def log_from(project: Project, track: TrackId, offset: int) -> dict[str, Any]:
    """The track's log from byte offset on (a negative offset: its last LOG_CHUNK bytes)."""
    path = project.state.log(track)
    try:
        with open(path, "rb") as file:
            size = os.fstat(file.fileno()).st_size
            start = max(0, size - LOG_CHUNK) if offset < 0 or offset > size else offset
            file.seek(start)
            data = file.read(LOG_CHUNK)
    except FileNotFoundError:
        return {"text": "", "start": 0, "offset": 0, "size": 0}
    # Stop at the last whole line, so a line is never shown in two halves.
    if start + len(data) < size or not data.endswith(b"\n"):
        data = data[:data.rfind(b"\n") + 1] or data
    # start: where the text begins; not where it was asked from when the log was cut short.
    return {"text": data.decode("utf-8", "replace"), "start": start,
            "offset": start + len(data), "size": size}


def diff(project: Project, track: TrackId) -> dict[str, Any]:
    """The track's branch against main, file by file, with lines added and removed."""
    record = TrackRecord.load(project, track)
    if record is None or not git.branch_exists(project.paths, record.branch):
        # Not started, or its branch went with a landing or a discard.
        return {"branch": None, "files": [], "cut": False,
                "state": record.state if record else "pending"}
    patch, cut = branch_diff(project.paths, project.main_branch, f"refs/heads/{record.branch}")
    return {"branch": record.branch, "files": split_files(patch), "cut": cut,
            "state": record.state}


def split_files(patch: str) -> list[dict[str, Any]]:
    """A patch as one entry per file: its path, lines added and removed, its own patch."""
    files: list[dict[str, Any]] = []
    for line in patch.splitlines():
        header = FILE_HEADER.match(line)
        if header:
            files.append({"path": header.group(2), "added": 0, "removed": 0, "lines": []})
        if not files:
            continue
        entry = files[-1]
        entry["lines"].append(line)
        if line.startswith("+") and not line.startswith("+++ "):
            entry["added"] += 1
        elif line.startswith("-") and not line.startswith("--- "):
            entry["removed"] += 1
    return files
