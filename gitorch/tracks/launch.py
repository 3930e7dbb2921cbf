"""Claiming ready tracks and launching one detached runner per track (`gitorch start`)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from gitorch import git
from gitorch.agents.phase import limited_agents
from gitorch.agents.preflight import check_agents
from gitorch.agents.presets import agent_for, agent_name
from gitorch.errors import GitorchError
from gitorch.names import TrackId, claim_ref
from gitorch.process import child_env, signal_group
from gitorch.project import Project, load_roadmap
from gitorch.roadmap.model import Group, Roadmap, Track
from gitorch.tracks.claims import Claim, TrackLock, read_claim, repository_lock, take_claim
from gitorch.tracks.control import is_our_agent
from gitorch.tracks.elsewhere import remember_roadmap, settle_landed
from gitorch.tracks.forked import ForkedRunner, can_fork, fork_runner
from gitorch.tracks.hook import refresh
from gitorch.tracks.records import TrackRecord, claims, landed_tracks, now, pid_alive
from gitorch.tracks.remote_claims import (
    RemoteClaim,
    claims_refspec,
    fetched_claims,
    is_expired,
    push_claim,
)
from gitorch.tracks.views import TrackView, observe
from gitorch.upstream import remote_name, sync_main

START_LOCK_TIMEOUT = 300.0  # a start holding it may be fetching
# `gitorch run` starts tracks as slots free, up to several a second at 32 slots: a fetch it
# made this recently stands (shared claims are fetched every time).
FETCH_FRESH = 2.0
# A track named with --track may be started again from these states, in its worktree.
RESTARTABLE = frozenset({"pending", "stale", "failed", "stopped", "rate-limited"})


@dataclass
class Launched:
    """A runner this start launched."""

    track: Track
    pid: int
    log: Path
    resumed: bool
    process: subprocess.Popen[bytes] | ForkedRunner


@dataclass
class StartResult:
    """What start saw and did."""

    group: Group | None
    available: list[Track]
    launched: list[Launched] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (track id, why)
    would_start: list[Track] = field(default_factory=list)
    warning: str | None = None
    project: Project | None = None
    notice: str | None = None  # said once: an older hook updated; no sandbox for the agents


@dataclass(frozen=True)
class Upstream:
    """What the remote says before we claim: its main, and (remote claims on) its claims."""

    base: str  # the commit new worktrees start from
    roadmap_rev: str | None  # None: read the roadmap from the local main
    remote: str | None  # set when claims are shared through this remote
    claims: dict[str, RemoteClaim]
    warning: str | None = None


def sync_upstream(project: Project) -> Upstream:
    """Fetch main (and remote claims) once; start from the remote's main when it is ahead."""
    local = git.resolve(project.paths, project.main_branch)
    if local is None:
        raise GitorchError(f"branch {project.main_branch} has no commits")
    if remote_name(project) is None:
        return Upstream(local, None, None, {})
    shared = project.config.claims.remote
    try:
        sync = sync_main(project, also=(claims_refspec(),) if shared else (),
                         fresh_for=FETCH_FRESH)
    except GitorchError as error:
        if shared:
            raise GitorchError(f"{error}; remote claims need the remote (nothing started)"
                               ) from error
        return Upstream(local, None, None, {}, warning=f"{error}; starting from local "
                        f"{project.main_branch}")
    rev = None if sync.onto == local else sync.onto
    claims_there = fetched_claims(project) if shared else {}
    return Upstream(sync.onto, rev, sync.remote_name if shared else None, claims_there)


def start(project: Project, *, group: str | None, track_ids: Sequence[str],
          dry_run: bool, avoid: Mapping[str, str] | None = None) -> StartResult:
    """Claim and launch up to max_parallel tracks; with dry_run, only say what would start.

    avoid: agents not to start now (name -> why), such as one at its usage limit.
    """
    project.state.ensure()
    # One start at a time per repository: slots are counted and filled as one step.
    with repository_lock(project.state.root, "start", START_LOCK_TIMEOUT):
        upstream = sync_upstream(project)
        loaded = load_roadmap(project, upstream.roadmap_rev)
        roadmap = loaded.roadmap
        wanted = [roadmap.track(str(TrackId.parse(t))).id for t in track_ids]
        if group is not None:
            roadmap.group(group)
        records = TrackRecord.all(project)  # read once: start alone claims, under its lock
        landed, claimed = landed_tracks(project, records), claims(project)
        views = _views(project, roadmap, upstream, landed, claimed)
        main = project.main_branch
        settle_landed(project, views.values(), main if upstream.roadmap_rev is None
                      else f"{remote_name(project)}/{main}")
        result = StartResult(roadmap.current_group(), [v.track for v in views.values()
                                                        if v.state == "pending"],
                             warning=loaded.warning or upstream.warning, project=project)
        if not dry_run:  # before any track commits, so that an older hook misses none
            result.notice = "; ".join(refresh(git.hooks_dir(project.paths))) or None
        candidates = _candidates(views, group, wanted, result)
        avoid = dict(avoid or {})
        if not wanted:  # a track named on purpose may go before its agent's reset
            avoid.update({agent: "is at its usage limit" for agent in
                          limited_agents(records, time.time())
                          if agent not in avoid})
        # Only this clone's claims take its slots; other machines' have slots of their own.
        busy = sum(1 for v in views.values() if v.state in ("claimed", "running") and v.claimed)
        slots = project.config.max_parallel - busy
        if candidates and slots > 0 and not dry_run:
            check_agents(project.config, project.paths.main_worktree)
        numbers = SlotNumbers(records)
        for view in candidates:
            if len(result.launched) + len(result.would_start) >= slots:
                result.skipped.append((view.track.id, "no free slot"))
                continue
            agent = _next_agent(project, view)
            if avoid and agent in avoid:
                result.skipped.append((view.track.id, f"{agent} {avoid[agent]}"))
                continue
            if dry_run:
                result.would_start.append(view.track)
            else:
                _claim_and_launch(project, roadmap, view, upstream, (landed, claimed), numbers,
                                  result)
    return result


def _next_agent(project: Project, view: TrackView) -> str:
    """The agent of the phase a track would run first if started now."""
    record = view.record
    phases = project.config.phases
    resume = record and (record.failed_phase or record.phase)
    phase = next((p for p in phases if p.name == resume), phases[0])
    return agent_name(agent_for(project.config, phase))


class SlotNumbers:
    """GITORCH_SLOT for each track one start launches: the lowest no live runner of another
    track holds. Only start gives them, under its lock, so the records it read at its
    beginning and the slots it gave since tell them all."""

    def __init__(self, records: Sequence[TrackRecord]) -> None:
        self._held: dict[str, int | None] = {
            r.track: r.slot for r in records if r.state in ("claimed", "running")
            and (r.pid is None or pid_alive(r.pid, r.host))}

    def take(self, track: str) -> int:
        used = {slot for other, slot in self._held.items() if other != track}
        slot = next(n for n in range(len(used) + 1) if n not in used)
        self._held[track] = slot
        return slot


def _views(project: Project, roadmap: Roadmap, upstream: Upstream, landed: frozenset[str],
           claimed: dict[str, Claim | None]) -> dict[str, TrackView]:
    """Every track of the groups that may run now, plus any that is claimed."""
    views = {}
    for group in roadmap.groups:
        runnable = not group.done and roadmap.group_ready(group.id, landed)
        if not runnable and not any(t.id in claimed for t in group.tracks):
            continue
        for track in group.tracks:
            views[track.id] = observe(project, roadmap, track, claimed, landed,
                                      elsewhere=upstream.claims.get(track.id), detail=False)
    return views


def _candidates(views: dict[str, TrackView], group: str | None, wanted: list[str],
                result: StartResult) -> list[TrackView]:
    """Stale tracks first (resumed in place), then ready ones in roadmap order."""
    if wanted:
        chosen = []
        for track_id in wanted:
            view = views.get(track_id)
            if view is None or view.state not in RESTARTABLE:
                state = "blocked" if view is None else view.state
                result.skipped.append((track_id, state))
            else:
                chosen.append(view)
        return chosen
    pool = [v for v in views.values() if group is None or v.track.group == group]
    return ([v for v in pool if v.state == "stale" or _reset_passed(v)] +
            [v for v in pool if v.state == "pending"])


def _reset_passed(view: TrackView) -> bool:
    """Whether a rate-limited track's reset time has come (a missing one has)."""
    record = view.record
    if view.state != "rate-limited" or record is None:
        return False
    return record.reset_at is None or record.reset_at <= now()


def _claim_and_launch(project: Project, roadmap: Roadmap, view: TrackView, upstream: Upstream,
                      seen: tuple[frozenset[str], dict[str, Claim | None]],
                      numbers: SlotNumbers, result: StartResult) -> None:
    """Lock, claim and launch one track. seen: the landed tracks and the local claims as
    start read them under its lock (only a start makes claims; the claim ref's
    compare-and-swap refuses one that changed since)."""
    track_id = view.id
    try:
        lock = TrackLock.try_acquire(project.state.lockfile(track_id))
        # Opened before the claim, so a log that cannot be written leaves no claim behind.
        log = _open_log(project.state.log(track_id))
    except GitorchError as error:
        result.skipped.append((view.track.id, str(error)))
        return
    if lock is None:
        log.close()
        result.skipped.append((view.track.id, "claimed by a running runner"))
        return
    try:
        # Re-check its record now that the lock is ours: its runner may have ended since.
        # (landed only grows: read before, it can only hold back a track that could run.)
        landed, claimed = seen
        fresh = observe(project, roadmap, view.track, claimed, landed,
                        holding_lock=True, elsewhere=upstream.claims.get(view.track.id),
                        detail=False)
        if fresh.state not in RESTARTABLE:
            result.skipped.append((view.track.id, fresh.state))
            return
        record = fresh.record
        resumed = record is not None and record.base is not None
        if record is not None and not git.branch_exists(project.paths, record.branch):
            # Its branch was deleted by hand: run every phase again from the current main.
            record.base, record.phase, record.failed_phase = upstream.base, None, None
        if record is None or record.base is None:
            record = TrackRecord(track=view.track.id, state="claimed", branch=fresh.branch,
                                 worktree=fresh.worktree, base=upstream.base)
        _end_orphaned_agent(record)
        current = _claim_commit(project, track_id, claimed)
        try:
            mine = take_claim(project.paths, track_id, record.base or "", current)
        except git.RefMoved:
            result.skipped.append((view.track.id, "claimed elsewhere"))
            return
        refused = _share_claim(project, upstream, track_id, mine, current)
        if refused is not None:
            git.update_ref(project.paths, claim_ref(track_id), current, mine,
                           f"gitorch: undo claim of {track_id}")
            result.skipped.append((view.track.id, refused))
            return
        if fresh.state != "rate-limited":  # a usage limit is not the track's fault
            record.attempts += 1
        record.state, record.pid, record.agent_pgid = "claimed", None, None
        record.ended_at = None
        record.slot = numbers.take(record.track)
        record.save(project)
        _hand_roadmap(project, upstream, roadmap, record.base)
        process = spawn_runner(project, track_id, lock, log)
        result.launched.append(Launched(view.track, process.pid, project.state.log(track_id),
                                        resumed, process))
    finally:
        lock.release()
        log.close()


def _hand_roadmap(project: Project, upstream: Upstream, roadmap: Roadmap,
                  base: str | None) -> None:
    """Keep the roadmap start read as the one at the track's base, where it is, for a
    runner forked from here: it reads that roadmap first."""
    read_at = upstream.roadmap_rev
    if read_at is None and git.read_ref(project.paths, f"refs/heads/{project.main_branch}"
                                        ) == upstream.base:
        read_at = upstream.base  # main, read by name, was there before the read and after
    if read_at is not None and read_at == base:
        remember_roadmap(project, read_at, roadmap)


def _claim_commit(project: Project, track: TrackId, claimed: dict[str, Claim | None]
                  ) -> str | None:
    """The commit the track's claim ref is at, from the listing of claims where it can be."""
    if str(track) not in claimed:
        return None
    found = claimed[str(track)]
    return found.commit if found else read_claim(project.paths, track)[0]  # None: damaged


def _open_log(path: Path) -> BinaryIO:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return open(path, "ab")
    except OSError as error:
        raise GitorchError(f"cannot write the log {path}: {error.strerror}; "
                           "remove what is there") from error


def _share_claim(project: Project, upstream: Upstream, track: TrackId, mine: str,
                 previous: str | None) -> str | None:
    """Push our claim to the remote when claims are shared; why not, if it was refused."""
    if upstream.remote is None:
        return None
    theirs = upstream.claims.get(str(track))
    expected = None
    if theirs is not None:
        ours = theirs.commit == previous
        if not ours and not is_expired(project, theirs):
            return f"claimed by {theirs.claim.host if theirs.claim else 'another machine'}"
        expected = theirs.commit
    outcome = push_claim(project, upstream.remote, track, mine, expected)
    if outcome.ok:
        return None
    if outcome.remote_moved:
        return "claimed by another machine"
    return f"the remote refused the claim: {outcome.message}"


def _end_orphaned_agent(record: TrackRecord) -> None:
    """An agent whose runner was killed may still be at work in the worktree: end it."""
    pgid = record.agent_pgid
    if pgid and pid_alive(pgid, record.host) and is_our_agent(pgid, record.track):
        signal_group(pgid, signal.SIGKILL)


def spawn_runner(project: Project, track: TrackId, lock: TrackLock, output: BinaryIO,
                 flags: tuple[str, ...] = ()) -> subprocess.Popen[bytes] | ForkedRunner:
    """A runner in its own session that inherits the track's lock and outlives us.

    flags: what it runs instead of the track's phases (--repair, --message).
    """
    if can_fork():
        return fork_runner(project.paths, track, lock.fd, output.fileno(), flags)
    return subprocess.Popen(
        [sys.executable, "-m", "gitorch", "_runner", str(track), "--lock-fd", str(lock.fd),
         *flags],
        cwd=project.paths.main_worktree, stdin=subprocess.DEVNULL, stdout=output,
        stderr=subprocess.STDOUT, start_new_session=True, pass_fds=(lock.fd,),
        env=child_env(),
    )


def wait_for(launched: list[Launched], project: Project) -> list[tuple[Launched, TrackRecord]]:
    """Block until every launched runner ends; return each with its final record."""
    ended = []
    for run in launched:
        run.process.wait()
        record = TrackRecord.load(project, TrackId(run.track.group, run.track.number))
        if record is None:
            raise GitorchError(f"track {run.track.id} ended without a record; see {run.log}")
        ended.append((run, record))
    return ended
