"""Which left-out tracks the scheduler sends back to their agent, and starting them."""

from __future__ import annotations

import time
from collections.abc import Callable

from gitorch.errors import GitorchError
from gitorch.names import TrackId
from gitorch.project import Project
from gitorch.schedule.snapshot import Snapshot
from gitorch.tracks.leftout import moved_since, next_step
from gitorch.tracks.records import LEFT_OUT, TrackRecord
from gitorch.tracks.repair_start import start_repair


def repairable(project: Project, record: TrackRecord) -> bool:
    """Whether a left-out track gets another repair (land.repair, attempts left)."""
    land = project.config.land
    return (land.repair and record.state in LEFT_OUT and record.repairs < land.repair_attempts
            and not moved_since(project, record))


def repairs_due(project: Project, snap: Snapshot) -> list[str]:
    """Repairs to start: those whose runner was killed first, then left-out tracks."""
    if not project.config.land.repair:
        return []
    return sorted(snap.interrupted) + [t for t in snap.having(*LEFT_OUT)
                                       if repairable(project, snap.records[t])]


def start_repairs(project: Project, snap: Snapshot, parallel: int, since: dict[str, float],
                  say: Callable[[str], None], error: Callable[[str], None]) -> bool:
    """Start repairs in the free slots, noting when each began; whether any started."""
    free = parallel - len(snap.busy)
    started = False
    for track in repairs_due(project, snap)[:max(0, free)]:
        try:
            repair = start_repair(project, TrackId.parse(track))
        except GitorchError as problem:
            error(f"repair: {problem}")
            continue
        started = True
        since[track] = time.monotonic()
        verb = "Resolving" if repair.state == "resolving" else "Fixing"
        again = " again, after its runner was killed" if track in snap.interrupted else ""
        say(f"↻ {verb} Track {track}{again} (repair {repair.attempt} of "
            f"{project.config.land.repair_attempts})")
    return started


def left_out_now(project: Project, snap: Snapshot) -> dict[str, str]:
    """Each left-out or stuck track: why, and what a person does next (for the summary)."""
    return {**{t: f"{snap.records[t].reason or snap.records[t].state}; "
                  f"{next_step(project, snap.records[t])}" for t in snap.having(*LEFT_OUT)},
            **{t: snap.records[t].reason or "stuck" for t in snap.having("stuck")}}
