"""The report's data: what the timeline, the table and the totals are drawn from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any


def iso(moment: float) -> str:
    """An epoch time as UTC ISO 8601, to the millisecond."""
    return datetime.fromtimestamp(moment, timezone.utc).isoformat(timespec="milliseconds") \
        .replace("+00:00", "Z")


@dataclass
class Phase:
    """One phase of one run: ok, failed, stopped, killed or running."""

    name: str
    start: float
    end: float
    outcome: str
    code: int | None = None

    @property
    def duration(self) -> float:
        return max(self.end - self.start, 0.0)


@dataclass
class Bar:
    """One runner's run of a track, on one lane; outcome is how the runner ended."""

    track: str
    start: float
    end: float
    outcome: str  # done | failed | stopped | killed | running
    slot: int | None = None  # as recorded, when runs.log says
    lane: int = 0
    reason: str | None = None
    phases: list[Phase] = field(default_factory=list)

    @property
    def duration(self) -> float:
        return max(self.end - self.start, 0.0)


@dataclass(frozen=True)
class Gap:
    """A stretch of a lane with no track on it, and why, where that is known."""

    lane: int
    start: float
    end: float
    reason: str


@dataclass(frozen=True)
class Mark:
    """A moment on the axis: a landing, a push, a conflict or a red gate."""

    kind: str
    time: float
    tracks: tuple[str, ...]
    label: str = ""


@dataclass(frozen=True)
class TrackRow:
    """One track's line in the table."""

    track: str
    title: str
    state: str
    phases: dict[str, float]
    commits: int | None
    attempts: int
    repairs: int
    usage: dict[str, float]
    time: float


@dataclass(frozen=True)
class Totals:
    """The run as a whole."""

    wall: float
    track_time: float
    speedup: float
    slots: int
    utilisation: float
    landings: int
    pushes: int
    tracks: int


@dataclass(frozen=True)
class Report:
    """Everything `gitorch report` shows."""

    start: float
    end: float
    live: bool
    slots: int
    bars: list[Bar]
    gaps: list[Gap]
    marks: list[Mark]
    tracks: list[TrackRow]
    totals: Totals
    since: float | None = None

    def offset(self, moment: float) -> float:
        """Seconds from the report's start, to the millisecond."""
        return round(moment - self.start, 3)

    def as_json(self) -> dict[str, Any]:
        """The report as one JSON document (times in seconds from `start`)."""
        at = self.offset
        return {
            "start": iso(self.start), "end": iso(self.end), "live": self.live,
            "since": iso(self.since) if self.since is not None else None,
            "slots": self.slots,
            "totals": {"wall": round(self.totals.wall, 3),
                       "track_time": round(self.totals.track_time, 3),
                       "speedup": round(self.totals.speedup, 3),
                       "slots": self.totals.slots,
                       "utilisation": round(self.totals.utilisation, 4),
                       "landings": self.totals.landings, "pushes": self.totals.pushes,
                       "tracks": self.totals.tracks},
            "bars": [{"track": b.track, "lane": b.lane, "slot": b.slot, "start": at(b.start),
                      "end": at(b.end), "outcome": b.outcome, "reason": b.reason,
                      "phases": [{"name": p.name, "start": at(p.start), "end": at(p.end),
                                  "outcome": p.outcome, "exit_code": p.code}
                                 for p in b.phases]} for b in self.bars],
            "gaps": [{"lane": g.lane, "start": at(g.start), "end": at(g.end),
                      "reason": g.reason} for g in self.gaps],
            "marks": [{"kind": m.kind, "time": at(m.time), "tracks": list(m.tracks),
                       "label": m.label} for m in self.marks],
            "tracks": [{"id": r.track, "title": r.title, "state": r.state,
                        "phases": {k: round(v, 3) for k, v in r.phases.items()},
                        "commits": r.commits, "attempts": r.attempts, "repairs": r.repairs,
                        "usage": r.usage, "time": round(r.time, 3)} for r in self.tracks],
        }
