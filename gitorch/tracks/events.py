"""Commits reported by the post-commit hook, read from a track's events log.

The hook appends one line per commit: `<unix time>\\t<commit id>\\t<done 0|1>\\t<subject>`,
where the time is the commit's committer time and done is 1 when the message has the
trailer `Gitorch-Done: true`. Reading never imports pygit2 and never runs git.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from gitorch.names import TrackId
from gitorch.state import StateDir

_COMMIT = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


@dataclass(frozen=True)
class CommitEvent:
    """One commit made in a track's worktree."""

    time: float
    commit: str
    done: bool
    subject: str


def read_events(state: StateDir, track: TrackId) -> list[CommitEvent]:
    """The track's commit events, oldest first; damaged lines are skipped."""
    try:
        data = state.events(track).read_bytes()
    except OSError:
        return []
    # The piece after the last newline is empty, or a line still being written.
    lines = data.split(b"\n")[:-1]
    found = (parse_line(line.decode("utf-8", errors="replace")) for line in lines)
    return [event for event in found if event is not None]


def parse_line(line: str) -> CommitEvent | None:
    """The event one log line records, or None if the line is not one."""
    fields = line.split("\t", 3)
    if len(fields) != 4:
        return None
    when, commit, done, subject = fields
    if not _COMMIT.fullmatch(commit) or done not in ("0", "1"):
        return None
    try:
        time = float(when)
    except ValueError:
        return None
    if not math.isfinite(time):
        return None
    return CommitEvent(time, commit, done == "1", subject)
