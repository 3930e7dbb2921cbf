"""The track records at one instant, as the scheduler sees them, and what they allow.

Which runners are alive, which tracks could start now, and whether landing the done ones
would let a waiting track start or finish a group. Pure reads: nothing here changes state.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone

from gitorch.config.settings import Config
from gitorch.names import TrackId
from gitorch.project import Project
from gitorch.roadmap.model import Roadmap
from gitorch.tracks.claims import lock_is_free
from gitorch.tracks.phase_agent import limited_agents
from gitorch.tracks.presets import agent_for, agent_name
from gitorch.tracks.records import TrackRecord, pid_alive
from gitorch.tracks.usage import Usage, record_total

BUSY = frozenset({"claimed", "running"})
# Failures a retry cannot mend: no login, the budget spent, a CLI that refuses to run here.
FINAL_FAILURES = frozenset({"auth", "budget", "fatal"})


@dataclass(frozen=True)
class Snapshot:
    """The track records at one instant, and which runners are alive."""

    records: dict[str, TrackRecord]
    busy: frozenset[str]  # claimed or running, runner alive
    stale: frozenset[str]  # claimed or running, runner gone

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
    for track, record in records.items():
        if record.state not in BUSY:
            continue
        if record.pid is not None:
            alive = pid_alive(record.pid, record.host)
        else:  # claimed, its runner not yet started: it holds the track's lock
            alive = not lock_is_free(project.state.lockfile(TrackId.parse(track)))
        (busy if alive else stale).add(track)
    return Snapshot(records, frozenset(busy), frozenset(stale))


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


def startable(roadmap: Roadmap, snap: Snapshot, config: Config | None = None,
              logged_out: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Stale tracks and ready ones that no runner has taken: what start would launch.

    New tracks whose first phase's agent is logged out (given config) are not.
    """
    landed = frozenset(snap.having("landed"))
    if config is not None and agent_name(agent_for(config, config.phases[0])) in logged_out:
        return sorted(snap.stale)
    fresh = [t.id for t in roadmap.ready_tracks(landed)
             if t.id not in snap.records or snap.records[t.id].state == "pending"]
    return sorted(snap.stale) + fresh


def epoch(stamp: str | None) -> float | None:
    """A record's UTC time stamp as epoch seconds (None when missing or damaged)."""
    if stamp is None:
        return None
    try:
        moment = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return None
    return moment.timestamp()


def usage_limits(snap: Snapshot, now: float) -> dict[str, float]:
    """Agents at a usage limit, and until when (see limited_agents)."""
    return limited_agents(snap.records.values(), now)


def avoid(snap: Snapshot, logged_out: set[str], now: float) -> dict[str, str]:
    """Agents no track may start with now, and why."""
    why = {agent: "is at its usage limit until " + time.strftime("%H:%M:%S",
                                                                 time.localtime(reset))
           for agent, reset in usage_limits(snap, now).items()}
    why.update(dict.fromkeys(logged_out, "is not logged in"))
    return why


def rate_limited(snap: Snapshot, leave: set[str], now: float) -> tuple[list[str], list[str]]:
    """Rate-limited tracks: (due again now, still waiting); leave: tracks or agents to skip."""
    limits = usage_limits(snap, now)
    due: list[str] = []
    later: list[str] = []
    for track in snap.having("rate-limited"):
        agent = snap.records[track].agent or ""
        if track not in leave and agent not in leave:
            (later if agent in limits else due).append(track)
    return due, later


def spent(snap: Snapshot) -> Usage:
    """Tokens and cost in every track record."""
    return sum((record_total(r.usage) for r in snap.records.values()), Usage())
