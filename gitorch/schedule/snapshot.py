"""The track records at one instant, as the scheduler sees them, and what they allow.

Which runners are alive, which tracks could start now, whether landing the done ones
would let a waiting track start or finish a group, and which ready tracks had better wait
because their files overlap a running track's. Pure reads: nothing here changes state.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from gitorch.agents.phase import limited_agents
from gitorch.agents.presets import agent_for, agent_name
from gitorch.agents.usage import Usage, record_total
from gitorch.config.settings import Config
from gitorch.names import TrackId
from gitorch.project import Project
from gitorch.roadmap.model import Roadmap
from gitorch.tracks.claims import lock_is_free
from gitorch.tracks.footprints import Footprint, live_footprint, predicted_footprints
from gitorch.tracks.records import REPAIRING, TrackRecord, pid_alive

BUSY = frozenset({"claimed", "running", *REPAIRING})
# Failures a retry cannot mend: no login, the budget spent, a CLI that refuses to run here,
# commits the agent put beside the track's branch (a person decides where they go), a pull
# request a person closed.
FINAL_FAILURES = frozenset({"auth", "budget", "fatal", "stray", "pr-closed"})


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
    for track, record in list(records.items()):
        if record.state not in BUSY:
            continue
        if record.pid is not None:
            alive = pid_alive(record.pid, record.host)
            if not alive:
                # The runner may have written its end and exited since its record was
                # read: only a record read after its death says what it left.
                record = TrackRecord.load(project, TrackId.parse(track)) or record
                records[track] = record
                if record.state not in BUSY:
                    continue
                alive = pid_alive(record.pid, record.host)
        else:  # claimed, its runner not yet started: it holds the track's lock
            alive = not lock_is_free(project.state.lockfile(TrackId.parse(track)))
        gone = interrupted if record.state in REPAIRING else stale
        (busy if alive else gone).add(track)
    return Snapshot(records, frozenset(busy), frozenset(stale), frozenset(interrupted))


def view_line(snap: Snapshot, slots: int, landed: int) -> str:
    """The run's compact live view: slots, running, waiting to land, landed."""
    free = max(0, slots - len(snap.busy))
    parts = [f"running {' '.join(sorted(snap.busy)) or '-'}"]
    if snap.having("done"):
        parts.append(f"to land {' '.join(snap.having('done'))}")
    parts.append(f"landed {landed}")
    return f"          {'█' * len(snap.busy)}{'░' * free}  " + " · ".join(parts)


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


Hit = tuple[str, tuple[str, ...]]  # the other track, and the paths both touch


@dataclass(frozen=True)
class OverlapPlan:
    """Which ready tracks to start, in order, once footprints are taken into account."""

    start: list[str]
    held: dict[str, Hit] = field(default_factory=dict)  # waiting for the track they overlap
    forced: dict[str, Hit] = field(default_factory=dict)  # overlapping, but started anyway
    land_now: dict[str, Hit] = field(default_factory=dict)  # done, and overlapping another
    # Whether a footprint is in play: then exactly start is launched, since start left to
    # itself would also fill a slot freed meanwhile, with a track nobody checked.
    steered: bool = False

    def news(self, said: set[str], landing: bool) -> list[str]:
        """The notes (landing: on what lands now; else on what starts) not in said yet."""
        fresh = [note for note in self.notes(landing) if note not in said]
        said.update(fresh)
        return fresh

    def notes(self, landing: bool) -> list[str]:
        """What the plan decided, a line each, for the run's output."""
        def shown(hit: Hit) -> str:
            paths = ", ".join(hit[1][:3]) + (f" (+{len(hit[1]) - 3})" if len(hit[1]) > 3 else "")
            return f"{hit[0]} in {paths}"

        if landing:
            return [f"… Track {t} lands at once: it overlaps {shown(h)}"
                    for t, h in self.land_now.items()]
        return ([f"… Track {t} waits: it overlaps {shown(h)}" for t, h in self.held.items()]
                + [f"! Track {t} starts though it overlaps {shown(h)}: nothing else can use "
                   "the slot" for t, h in self.forced.items()])


def footprints_now(project: Project, roadmap: Roadmap, snap: Snapshot,
                   awaiting: Collection[str], rev: str | None) -> dict[str, Footprint]:
    """Predicted footprints, with what the running and done tracks have committed added."""
    found = {t: frozenset(paths) for t, paths in
             predicted_footprints(project, roadmap, rev).items()}
    for track in snap.busy | frozenset(awaiting):
        found[track] = found.get(track, frozenset()) | live_footprint(project.state,
                                                                       TrackId.parse(track))
    return found


def _hit(track: str, footprints: Mapping[str, Footprint], others: Collection[str]
         ) -> Hit | None:
    mine = footprints.get(track, frozenset())
    for other in sorted(others):
        shared = mine & footprints.get(other, frozenset())
        if other != track and shared:
            return other, tuple(sorted(shared))
    return None


def overlap_plan(project: Project, roadmap: Roadmap, snap: Snapshot, awaiting: list[str],
                 free: int, rev: str | None) -> OverlapPlan:
    """The plan for the configured `scheduling.overlap`; with off, footprints are not read."""
    mode = project.config.scheduling.overlap
    if mode == "off":
        return OverlapPlan([])
    footprints = footprints_now(project, roadmap, snap, awaiting, rev)
    return plan_overlaps(startable(roadmap, snap), free, footprints, snap, awaiting, mode)


def plan_overlaps(candidates: list[str], free: int, footprints: Mapping[str, Footprint],
                  snap: Snapshot, awaiting: Collection[str], mode: str) -> OverlapPlan:
    """Fill free slots with candidates that overlap no running or done track, in order.

    prefer: overlapping tracks take the slots nothing else can use; strict: they wait until
    the track they overlap has landed, unless nothing runs at all (so never a deadlock).
    A resumed (stale) track never waits.
    """
    running = snap.busy | frozenset(awaiting)
    taken = set(running)
    start: list[str] = []
    held: dict[str, Hit] = {}
    for track in candidates:
        if len(start) >= free:
            break
        hit = None if track in snap.stale else _hit(track, footprints, taken)
        if hit is None:
            start.append(track)
            taken.add(track)
        else:
            held[track] = hit
    forced: dict[str, Hit] = {}
    # strict too, once nothing runs: what it waits for could only be a landing that failed.
    if held and (mode == "prefer" or not (start or snap.busy)):
        for track in list(held)[:free - len(start)]:
            forced[track] = held.pop(track)
            start.append(track)
    land_now = {}
    for track in sorted(awaiting):
        waiting = snap.busy | frozenset(held) | frozenset(forced)
        hit = _hit(track, footprints, waiting - frozenset(awaiting))
        if hit is not None:
            land_now[track] = hit
    steered = any(footprints.get(t) for t in [*candidates, *running])
    return OverlapPlan(start, held, forced, land_now, steered)
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
