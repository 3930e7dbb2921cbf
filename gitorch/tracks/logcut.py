"""Logs kept under `logs.max_size`: the start of the log, the end of the phase before,
the start of the running phase, its latest output and gitorch's own lines (phase banners
and exits, which `gitorch report` reads) stay; the rest goes, with one line in each gap
saying how much.

Kept in one file rather than rotated to `<log>.1`: a rotation keeps the latest output but,
after the second one, no longer the phase's first lines (what the agent was asked and
how it began), which are what a person reads first. A cut rewrites the file (a temporary
file, then os.replace) and leaves a note beside it, `<log>.cut`, naming the new file's
inode and where the old file's end went, so that `gitorch logs -f` carries on from there.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from gitorch.config.sizes import format_size
from gitorch.output import plural
from gitorch.state import read_json, write_atomic, write_json

_MARKER = re.compile(rb"----- (\d+) lines? \((\d+) bytes\) dropped here")

Stamp = Callable[[str], bytes]  # a line's text as the log writes it


def cut_note(log: Path) -> Path:
    return log.with_name(log.name + ".cut")


def cut_log(path: Path, phase_at: int, cap: int, stamp: Stamp) -> int:
    """Cut path down (see the module); the running phase's new offset in it."""
    data = path.read_bytes()
    # At most 5/8 of the cap is kept, so that a cut is followed by a good part of a cap of
    # output, not by another cut a line later. Before the phase: the log's first lines
    # and the end of the phase before (how it ended); then the phase's first lines; then
    # the latest output.
    eighth = cap // 8
    keeps = _merged(data, [(0, min(phase_at, eighth)), (phase_at - eighth, phase_at),
                           (phase_at, phase_at + eighth), (len(data) - 2 * eighth, len(data)),
                           *_own_lines(data, eighth)])
    new, moved = _rebuild(data, keeps, cap, stamp, phase_at)

    def noted(made: os.stat_result) -> None:
        write_json(cut_note(path), {"inode": made.st_ino, "old_size": len(data),
                                    "new_size": len(new)})

    write_atomic(path, new, ready=noted)
    return moved


def resume_offset(log: Path, inode: int, old_size: int) -> tuple[int, bool] | None:
    """Where a reader at old_size of a log cut since goes on in the file of that inode, and
    whether lines it did not read were dropped; None if no note names that file yet."""
    note = read_json(cut_note(log))
    if note is None or note.get("inode") != inode:
        return None
    new_size = note.get("new_size")
    if not isinstance(new_size, int):
        return None
    return new_size, note.get("old_size") != old_size


def capped(data: bytes, cap: int | None, stamp: Stamp) -> bytes:
    """data whole if it fits cap, else its first and last quarter cap and a line between."""
    if cap is None or len(data) <= cap:
        return data
    keeps = _merged(data, [(0, cap // 4), (len(data) - cap // 4, len(data))])
    return _rebuild(data, keeps, cap, stamp, 0)[0]


def _rebuild(data: bytes, keeps: list[tuple[int, int]], cap: int, stamp: Stamp, at: int
             ) -> tuple[bytes, int]:
    """data with only the keeps left, a line standing for each gap; where offset at went."""
    parts: list[bytes] = []
    size = done = 0
    moved = at
    for start, end in [*keeps, (len(data), len(data))]:
        if start > done:
            parts.append(_marker(data[done:start], cap, stamp))
            size += len(parts[-1])
        if start <= at < end:
            moved = size + at - start
        parts.append(data[start:end])
        size, done = size + end - start, end
    return b"".join(parts), moved


# gitorch's own lines, which `gitorch report` reads a track's phases and landings from.
_OWN = re.compile(rb"\] (?:===== |Phase \S+ exited |Track \S+ ended|Conflict while landing)")


def _own_lines(data: bytes, budget: int) -> list[tuple[int, int]]:
    """Where gitorch's own lines are, up to budget bytes of them (an agent may print such
    lines too: they must not keep the log from its cap)."""
    found: list[tuple[int, int]] = []
    for match in _OWN.finditer(data):
        start = data.rfind(b"\n", 0, match.start()) + 1
        end = data.find(b"\n", match.end()) + 1 or len(data)
        budget -= end - start
        if budget < 0:
            break
        found.append((start, end))
    return found


def _merged(data: bytes, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The whole lines inside each range (a line longer than its range is not kept: the
    cap holds), without empty ranges, overlapping ones joined."""
    whole = []
    for start, end in ranges:
        start = 0 if start <= 0 else data.find(b"\n", start - 1) + 1 or len(data)
        end = data.rfind(b"\n", start, min(end, len(data))) + 1 if end > start else 0
        if start < end:
            whole.append((start, end))
    joined: list[tuple[int, int]] = []
    for start, end in sorted(whole):
        if joined and start <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(end, joined[-1][1]))
        else:
            joined.append((start, end))
    return joined


def _marker(gap: bytes, cap: int, stamp: Stamp) -> bytes:
    """The line standing for gap, counting what earlier cuts' lines in it stood for."""
    lines, size = gap.count(b"\n"), len(gap)
    for found in _MARKER.finditer(gap):
        begin = gap.rfind(b"\n", 0, found.start()) + 1
        end = gap.find(b"\n", found.end()) + 1 or len(gap)
        lines += int(found[1]) - 1
        size += int(found[2]) - (end - begin)
    return stamp(f"----- {plural(lines, 'line')} ({size} bytes) dropped here: the log keeps "
                 f"its start, each phase's start and its latest output under logs.max_size "
                 f"({format_size(cap)}) -----")
