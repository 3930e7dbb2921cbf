"""The track records at one instant, as the scheduler sees them, and what they allow.

Which runners are alive, which tracks could start now, and whether landing the done ones
would let a waiting track start or finish a group. Pure reads: nothing here changes state.
"""

from __future__ import annotations

from dataclasses import dataclass

from gitorch.names import TrackId
from gitorch.project import Project
from gitorch.roadmap.model import Roadmap
from gitorch.tracks.claims import lock_is_free
from gitorch.tracks.records import REPAIRING, TrackRecord, pid_alive

BUSY = frozenset({"claimed", "running", *REPAIRING})


@dataclass(frozen=True)
class Snapshot:
    """The track records at one instant, and which runners are alive."""

    records: dict[str, TrackRecord]
    busy: frozenset[str]  # claimed or running, runner alive
    stale: frozenset[str]  # claimed or running, runner gone
    interrupted: frozenset[str] = frozenset()  # resolving or fixing, runner gone

    def having(self, *states: str) -> list[str]:
        return sorted(t for t, r in self.records.items() if r.state in states)

    @property
    def key(self) -> tuple[tuple[str, str, int, bool], ...]:
        return tuple((t, r.state, r.attempts, t in self.busy)
                     for t, r in sorted(self.records.items()))


def look(project: Project) -> Snapshot:
    """Read every record; a runner is alive if its pid lives (or, not yet known, its lock)."""
    records = {r.track: r for r in TrackRecord.all(project)}
    busy: set[str] = set()
    stale: set[str] = set()
    interrupted: set[str] = set()
    for track, record in records.items():
        if record.state not in BUSY:
            continue
        if record.pid is not None:
            alive = pid_alive(record.pid, record.host)
        else:  # claimed, its runner not yet started: it holds the track's lock
            alive = not lock_is_free(project.state.lockfile(TrackId.parse(track)))
        gone = interrupted if record.state in REPAIRING else stale
        (busy if alive else gone).add(track)
    return Snapshot(records, frozenset(busy), frozenset(stale), frozenset(interrupted))


def landing_helps(roadmap: Roadmap, snap: Snapshot, free: int) -> bool:
    """Whether landing the done tracks now finishes a group or lets a waiting track start."""
    landed = frozenset(snap.having("landed"))
    after = landed | frozenset(snap.having("done"))
    for group in roadmap.groups:
        if (not group.done and group.tracks
                and all(t.done or t.id in after for t in group.tracks)
                and any(t.id in after - landed for t in group.tracks)):
            return True
    if free <= 0:
        return False
    for track in roadmap.tracks():
        if track.done or track.id in after or track.id in snap.records:
            continue
        if (roadmap.track_state(track.id, landed) == "blocked"
                and roadmap.track_state(track.id, after) == "pending"):
            return True
    return False


def startable(roadmap: Roadmap, snap: Snapshot) -> list[str]:
    """Stale tracks and ready ones that no runner has taken: what start would launch."""
    landed = frozenset(snap.having("landed"))
    fresh = [t.id for t in roadmap.ready_tracks(landed)
             if t.id not in snap.records or snap.records[t.id].state == "pending"]
    return sorted(snap.stale) + fresh
