"""Commits reported by the post-commit hook, read from a track's events log.

The hook appends one line per commit: `<unix time>\\t<commit id>\\t<done 0|1>\\t<subject>`,
where the time is the commit's committer time and done is 1 when the message has the
trailer `Gitorch-Done: true`. The paths the commit changed follow it, one a line, as git
prints them (a name with a tab or newline in it is quoted, so these lines have no tab and
never read as an event; readers that predate them skip them). Reading never runs git.
"""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass, replace

from gitorch.disk import write_failed
from gitorch.names import TrackId
from gitorch.state import COMMIT_ID, TIME_MAX, StateDir


@dataclass(frozen=True)
class CommitEvent:
    """One commit made in a track's worktree."""

    time: float
    commit: str
    done: bool
    subject: str
    paths: tuple[str, ...] = ()


def read_events(state: StateDir, track: TrackId) -> list[CommitEvent]:
    """The track's commit events, oldest first; damaged lines are skipped."""
    try:
        data = state.events(track).read_bytes()
    except OSError:
        return []
    # The piece after the last newline is empty, or a line still being written.
    events: list[CommitEvent] = []
    paths: list[str] | None = None  # the paths of the last event; None: none to collect
    for raw in data.split(b"\n")[:-1]:
        line = raw.decode("utf-8", errors="replace")
        if "\t" not in line:
            if paths is not None and line:
                paths.append(_unquote(line))
            elif not line:
                paths = None  # the paths follow their event without a gap
            continue
        if events and paths:
            events[-1] = replace(events[-1], paths=tuple(paths))
        event = parse_line(line)
        paths = None if event is None else []
        if event is not None:
            events.append(event)
    if events and paths:
        events[-1] = replace(events[-1], paths=tuple(paths))
    return events


def _unquote(name: str) -> str:
    """A path as git prints it: in C-style quotes when it holds odd characters."""
    if len(name) < 2 or not (name.startswith('"') and name.endswith('"')):
        return name
    try:
        return codecs.escape_decode(name[1:-1].encode())[0].decode("utf-8", "replace")
    except ValueError:
        return name


def parse_line(line: str) -> CommitEvent | None:
    """The event one log line records, or None if the line is not one."""
    fields = line.split("\t", 3)
    if len(fields) != 4:
        return None
    when, commit, done, subject = fields
    if not COMMIT_ID.fullmatch(commit) or done not in ("0", "1"):
        return None
    try:
        time = float(when)
    except ValueError:
        return None
    if not 0 <= time <= TIME_MAX:  # nor NaN, nor infinite: no commit time (state.py)
        return None
    return CommitEvent(time, commit, done == "1", subject)


def append_events(state: StateDir, track: TrackId, text: str) -> None:
    """Add events, already in the hook's lines, to the track's log in one append."""
    path = state.events(track)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, text.encode("utf-8", "surrogateescape"))
        finally:
            os.close(fd)
    except OSError as error:
        raise write_failed(error, path) from error
