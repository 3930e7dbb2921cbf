"""What gitorch already recorded, read back without changing anything.

runs.log holds the runs of runners and of the scheduler; each track's log holds its phase
banners, phase exits and what land did to it; main's reflog holds each landing, and the
remote-tracking branch's reflog each push. All of these are written as things happen, so
a run that was killed reads as far as it got.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from gitorch import git
from gitorch.agents.usage import figure
from gitorch.names import TrackId
from gitorch.project import Project
from gitorch.state import read_json, read_pid, whole_text
from gitorch.tracks.events import read_events
from gitorch.tracks.records import TrackRecord, pid_alive

_ZONE = re.compile(r"(Z|[+-]\d\d:?\d\d)$")


def stamp(text: str) -> float | None:
    """Seconds since the epoch of an ISO time; one without a zone is local time."""
    # Python 3.10's fromisoformat reads neither `Z` nor `+0000`.
    zone = _ZONE.search(text)
    if zone is not None:
        found = zone.group(1)
        offset = "+00:00" if found == "Z" else f"{found[:3]}:{found[-2:]}"
        text = text[:zone.start()] + offset
    try:
        return datetime.fromisoformat(text).timestamp()
    except ValueError:
        return None


@dataclass(frozen=True)
class RunLine:
    """One runs.log line: its time and the words after the time."""

    time: float
    words: tuple[str, ...]

    def value(self, key: str) -> str | None:
        """The value of a `key=value` word, if the line has one."""
        prefix = f"{key}="
        return next((w[len(prefix):] for w in self.words if w.startswith(prefix)), None)

    def tail(self, key: str) -> str | None:
        """The rest of the line after `key=`, for a last value that may hold spaces."""
        text = " ".join(self.words)
        at = text.find(f" {key}=")
        return text[at + len(key) + 2:] if at >= 0 else None


def read_runs_log(path: Path) -> list[RunLine]:
    """Every readable line of runs.log, in file order; damaged lines are skipped."""
    try:
        data = path.read_bytes()
    except OSError:
        return []
    lines = []
    for raw in data.decode("utf-8", "replace").splitlines():
        first, _, rest = raw.partition(" ")
        moment = stamp(first)
        if moment is not None and rest:
            lines.append(RunLine(moment, tuple(rest.split(" "))))
    return lines


@dataclass(frozen=True)
class LogEvent:
    """A line of a track's log that gitorch itself wrote.

    kind: phase (a phase began), exited (it ended with code), ended (the runner ended
    in state detail), landed, conflict, gate (left out by the test gate).
    """

    time: float
    kind: str
    phase: str | None = None
    code: int | None = None
    detail: str = ""


_LINE = re.compile(
    rb"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?) \[[^\]\n]*\] "
    rb"(===== Phase |Phase |Track |Conflict while landing|===== Test gate failed)([^\n]*)")
# Looked for with bytes.find: far faster than a regex over hours of an agent's output.
_MARKERS = (b"] ===== Phase ", b"] Phase ", b"] Track ", b"] Conflict while landing",
            b"] ===== Test gate failed")
# A phase of the pipeline (`work (1/3) of Track E/1: Title`) or a repair (`resolve of Track E/1`).
_BANNER = re.compile(r"(\S+)(?: \(\d+/\d+\))? of Track (\S+)(?:: (.*))? =====")
_EXITED = re.compile(r"(\S+) exited (-?\d+)(?: \((.*)\))?")
_ENDED = re.compile(r"(\S+) ended: (\S+)(?: \((.*)\))?")
_LANDED = re.compile(r"(\S+) landed on ")
_STAMP_AT_START = re.compile(rb"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?) ")


@dataclass
class TrackLogFacts:
    """What a track's log says: gitorch's own lines, the title, the last line's time."""

    events: list[LogEvent] = field(default_factory=list)
    title: str | None = None
    last: float | None = None


def read_track_log(path: Path) -> TrackLogFacts:
    """gitorch's own lines of a track log; an agent's output in between is passed over."""
    facts = TrackLogFacts()
    try:
        data = path.read_bytes()
    except OSError:
        return facts
    for line in _marked_lines(data):
        found = _LINE.fullmatch(line)
        if found is None:
            continue
        moment = stamp(found.group(1).decode())
        if moment is None:
            continue
        event = _event(moment, found.group(2).decode(),
                       found.group(3).decode("utf-8", "replace"), facts)
        if event is not None:
            facts.events.append(event)
    body = data.rstrip(b"\n")
    last = _STAMP_AT_START.match(body, body.rfind(b"\n") + 1)
    facts.last = stamp(last.group(1).decode()) if last else None
    return facts


def _marked_lines(data: bytes) -> list[bytes]:
    """The lines of data holding one of gitorch's markers, in file order."""
    found = []
    for marker in _MARKERS:
        at = data.find(marker)
        while at != -1:
            begin = data.rfind(b"\n", 0, at) + 1
            stop = data.find(b"\n", at)
            stop = len(data) if stop == -1 else stop
            found.append((begin, data[begin:stop]))
            at = data.find(marker, stop)
    return [line for _, line in sorted(found)]


def _event(moment: float, lead: str, rest: str, facts: TrackLogFacts) -> LogEvent | None:
    if lead == "===== Phase ":
        banner = _BANNER.fullmatch(rest)
        if banner is None:
            return None
        facts.title = banner.group(3) or facts.title
        return LogEvent(moment, "phase", banner.group(1))
    if lead == "Phase ":
        exited = _EXITED.fullmatch(rest)
        # An agent can print a line that looks like this one: its code may be anything.
        return None if exited is None else LogEvent(
            moment, "exited", exited.group(1), whole_text(exited.group(2), -255, 255),
            exited.group(3) or "")
    if lead == "Track ":
        ended = _ENDED.fullmatch(rest)
        if ended is not None:
            return LogEvent(moment, "ended", detail=ended.group(2))
        return LogEvent(moment, "landed") if _LANDED.match(rest) else None
    if lead == "Conflict while landing":
        return LogEvent(moment, "conflict", detail=rest.lstrip(": "))
    return LogEvent(moment, "gate")


@dataclass(frozen=True)
class RecordFacts:
    """A track's record, the extra fields others may add (usage, repairs), its commits."""

    record: TrackRecord
    extra: dict[str, Any]
    commits: int | None  # None: neither the hook's events nor the branch can tell
    alive: bool


def read_records(project: Project) -> dict[str, RecordFacts]:
    """Every readable track record, by track id."""
    found = {}
    folder = project.state.root / "tracks"
    # Each file is read once: the record and the fields others add (usage) come together.
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        document = read_json(path)
        record = TrackRecord.from_document(document) if document is not None else None
        if document is None or record is None:
            continue
        track = TrackId.parse(record.track)
        if path.name != f"{track.key}.json":
            continue  # under another track's name: not this track's record
        found[record.track] = RecordFacts(record, document, _commits(project, record, track),
                                          pid_alive(record.pid, record.host))
    return found


def _commits(project: Project, record: TrackRecord, track: TrackId) -> int | None:
    """The track's commits: the hook's events, else its branch beyond the base."""
    if os.path.exists(project.state.events(track)):
        return len(read_events(project.state, track))
    if record.base is None or not git.branch_exists(project.paths, record.branch):
        return None
    return git.count_commits(project.paths, record.base, f"refs/heads/{record.branch}")


def scheduler_alive(project: Project) -> bool:
    """Whether a `gitorch run` scheduler is at work on this repository now."""
    document = read_json(project.state.scheduler) or {}
    pid, host = read_pid(document.get("pid")), document.get("host")
    return pid is not None and isinstance(host, str) and pid_alive(pid, host)


@dataclass(frozen=True)
class Landing:
    """One landing gitorch made on main: the new tip, the tracks it marked, if pushed."""

    commit: str
    tracks: tuple[str, ...]
    pushed: bool


_MARKED = re.compile(r"Mark (.+) done in ")


def read_landings(project: Project) -> list[Landing]:
    """The landings main's reflog holds, oldest first, each matched with its push."""
    main = project.main_branch
    pushed: set[str] = set()
    if project.config.remote is not None:
        pushed = {commit for commit, message, _ in git.reflog_subjects(
            project.paths, f"refs/remotes/{project.config.remote}/{main}")
            if message.startswith("update by push")}
    landings = []
    for commit, message, subject in git.reflog_subjects(project.paths, f"refs/heads/{main}"):
        if not message.startswith("gitorch land"):
            continue
        marked = _MARKED.match(subject)
        tracks = tuple(marked.group(1).split(", ")) if marked else ()
        landings.append(Landing(commit, tracks, commit in pushed))
    return landings


def usage(document: dict[str, Any]) -> dict[str, float]:
    """Tokens and cost a record holds (under `usage`, else anywhere; summed when nested)."""
    totals: dict[str, float] = {}

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if isinstance(inner, (int, float)) and not isinstance(inner, bool):
                    number = figure(key, inner) if "token" in key or "cost" in key else None
                    if number is not None:
                        totals[key] = totals.get(key, 0.0) + number
                else:
                    walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    # A record with a `usage` total is read there alone, so per-phase copies do not count twice.
    walk(document.get("usage") if "usage" in document else document)
    return totals
