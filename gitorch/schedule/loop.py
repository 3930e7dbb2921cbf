"""The scheduled runner's loop (`gitorch run`): keep every slot busy, land when it helps.

The loop reads the track records a few times a second. A freed slot is filled at once
with the next ready track, never waiting for a batch. Finished tracks land at once when
that lets a waiting track start or finishes a group, or once as many wait as there are
slots (a round's work), otherwise at the next tick, so pushes stay few. Every tick also
resumes stale tracks, retries failed ones with a back-off, and writes a line to runs.log.
The claims (lockfile and ref) keep a track from running twice, so a new loop adopts the
runners an earlier one left behind.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from gitorch import stamps
from gitorch.agents.usage import Usage
from gitorch.disk import DiskFull, as_disk_full, is_full
from gitorch.errors import GitorchError
from gitorch.land.coordinator import LandResult, land
from gitorch.land.publish import remove_track_trees
from gitorch.notify.tellers import tell_run_end
from gitorch.output import plural, safe_text
from gitorch.project import Project
from gitorch.roadmap.model import Roadmap
from gitorch.schedule import snapshot
from gitorch.schedule.mainline import MainRoadmap
from gitorch.schedule.news import landing_news, repair_ended, review_waits, tick_line, waits
from gitorch.schedule.pr_ticks import start_rounds
from gitorch.schedule.repairs import left_out_now, repairs_due, start_repairs
from gitorch.schedule.run_types import Options, Summary, clock
from gitorch.schedule.snapshot import BUSY, FINAL_FAILURES, Snapshot, landing_helps, look
from gitorch.tracks.control import stop_runner
from gitorch.tracks.launch import StartResult, start
from gitorch.tracks.leftout import moved_since
from gitorch.tracks.records import LEFT_OUT, TrackRecord
from gitorch.tracks.runner import append_run_line

LAND_GIVE_UP = 3  # failed lands in a row, with nothing else to do, end the run
FULL_DISK_WAIT = 60.0  # seconds the runners at work get to end once the disk is full


@dataclass
class Scheduler:
    """One run of the loop over one repository."""

    project: Project
    options: Options
    out: Callable[[str], None]
    stopping: Callable[[], bool]
    pause: Callable[[float], None] = time.sleep  # between looks; a runner's end may cut it
    began: float = field(default_factory=time.monotonic)
    landed: list[str] = field(default_factory=list)
    pushes: int = 0
    errors: list[str] = field(default_factory=list)
    track_times: dict[str, float] = field(default_factory=dict)
    _since: dict[str, float] = field(default_factory=dict)  # running tracks: began (monotonic)
    _failed_at: dict[str, float] = field(default_factory=dict)
    _restart: set[str] = field(default_factory=set)  # stopped before we began: resume them
    _given_up: dict[str, str] = field(default_factory=dict)  # start refused to restart these
    _left_out: dict[str, str | None] = field(default_factory=dict)  # land skipped: updated_at
    _land_failures: int = 0
    _untidy: list[str] = field(default_factory=list)  # landed; worktrees not yet removed
    _idle: object = None  # the world when start last launched nothing
    _last: Snapshot | None = None
    _main: MainRoadmap = field(init=False)  # the roadmap on main, read when main moves
    _said_error: str | None = None
    _said_overlap: set[str] = field(default_factory=set)
    _shown: str = ""
    _logged_out: set[str] = field(default_factory=set)  # agents that failed to log in
    _spent_before: Usage = field(default_factory=Usage)
    _full: tuple[DiskFull, float] | None = None  # a write the disk refused, and when

    def __post_init__(self) -> None:
        self._main = MainRoadmap(self.project, self._error)

    def say(self, text: str) -> None:
        self.out(f"[{clock(time.monotonic() - self.began)}] {text}")

    def run(self) -> Summary:
        """Schedule until the roadmap is done, time runs out, it is stuck, or told to stop."""
        self._adopt(self._look())
        deadline = self.began + self.options.for_
        next_tick = self.began
        timed_out = hard_stopped = False
        while True:
            if self.stopping():
                return self._summary("signal", self._look())
            now = time.monotonic()
            tick = now >= next_tick
            if tick:
                next_tick = now + self.options.every
            snap = self._look()
            if now >= deadline and not timed_out:
                timed_out = True
                self.say("Time is up: starting nothing new"
                         + (f"; stopping running tracks in {self.options.grace:g}s"
                            if self.options.hard_stop and snap.busy else
                            "; waiting for running tracks" if snap.busy else ""))
            if (timed_out and self.options.hard_stop and not hard_stopped
                    and now >= deadline + self.options.grace):
                hard_stopped = True
                for track in sorted(snap.busy):
                    stop_runner(self.project, snap.records[track],
                                "stopped by gitorch run --hard-stop")
                snap = self._look()
            roadmap = self._main.current()
            if self._should_land(roadmap, snap, tick, timed_out):
                # A slot the landing tracks left goes to a track ready already (its
                # dependencies are on main), not to one after the landing's push; but not
                # to one that overlaps them: after the landing it starts from their work.
                if not timed_out and self._fill(roadmap, snap, tick, before_landing=True):
                    snap = self._look()
                self._land()
                snap, roadmap = self._look(), self._main.current()
            if not timed_out and self._fill(roadmap, snap, tick):
                snap = self._look()
            self._tidy()  # once the slots are filled: off the way from a landing to a start
            if not timed_out and start_repairs(self.project, snap, self.options.parallel,
                                               self._since, self.say, self._error):
                snap = self._look()
            if not timed_out and start_rounds(self.project, snap, self.options.parallel,
                                              self._since, self.say, self._error):
                snap = self._look()
            try:
                append_run_line(self.project, tick_line(snap, len(self.landed))) if tick else None
            except DiskFull as error:
                self._note_full(error)
            if self._full is not None:  # start nothing more; end once the runners have
                timed_out = True
                if not snap.busy or time.monotonic() > self._full[1] + FULL_DISK_WAIT:
                    raise self._full[0]
            reason = self._finished(roadmap, snap, timed_out)
            if reason is not None:
                return self._summary(reason, snap)
            self.pause(self.options.poll)

    # Looking.

    def _look(self) -> Snapshot:
        """A fresh snapshot; reports what changed since the last one."""
        snap = look(self.project)
        last, now = self._last, time.monotonic()
        self._last = snap
        changed = False
        for track, record in snap.records.items():
            if track in snap.busy and track not in self._since:
                self._since[track] = now
            if last is None:
                continue
            before = last.records.get(track)
            if before is not None and (before.state, track in last.busy, track in last.stale) \
                    == (record.state, track in snap.busy, track in snap.stale):
                continue
            changed = True
            if before is None:
                continue  # just claimed: start said so
            if track in snap.stale and track not in last.stale:
                self.say(f"… Track {track}: its runner is gone; it will be resumed")
            elif (ended := repair_ended(self.project, before, record)) is not None:
                self._since.pop(track, None)
                self.say(ended)
            elif (record.state in ("done", "landed", "failed", "stopped", "rate-limited")
                  and before.state in BUSY):  # landed: it ended just as a landing began
                self._ended(record, now)
        view = snapshot.view_line(snap, self.options.parallel, len(self.landed))
        if changed and view != self._shown:
            self.out(view)
            self._shown = view
        return snap

    def _ended(self, record: TrackRecord, now: float) -> None:
        track = record.track
        took = now - self._since.pop(track, now)
        self.track_times[track] = took
        if record.state in ("done", "landed"):
            self.say(f"✓ Track {track} done in {took:.1f}s")
        elif record.state == "stopped":
            self.say(f"■ Track {track} stopped ({record.reason})")
        elif record.state == "rate-limited":
            self.say(f"⏸ Track {track} waits: {record.reason}; no retry spent")
        elif record.failure in FINAL_FAILURES:
            if record.failure == "auth" and record.agent:
                self._logged_out.add(record.agent)
            self.say(f"✗ Track {track} failed ({record.reason}); not retried"
                     + (f", and nothing more starts with {record.agent}"
                        if record.failure == "auth" else ""))
        else:
            self._failed_at[track] = now
            left = self.options.retries + 1 - record.attempts
            then = f"retrying in {self._backoff(record):g}s" if left > 0 else "no retries left"
            self.say(f"✗ Track {track} failed ({record.reason}); {then}")

    def _adopt(self, snap: Snapshot) -> None:
        """Take over the runners an earlier run left, and resume tracks stopped before."""
        wall, now = time.time(), time.monotonic()
        for track in sorted(snap.busy):
            began = stamps.parse(snap.records[track].started_at)
            self._since[track] = now - stamps.since(began, wall) if began else now
        if snap.busy:
            self.say(f"Adopting {plural(len(snap.busy), 'running track')}: "
                     f"{', '.join(sorted(snap.busy))}")
        self._restart = set(snap.having("stopped"))
        self._spent_before = snapshot.spent(snap)

    # Deciding.

    def _awaiting_land(self, snap: Snapshot) -> list[str]:
        # A left-out track whose branch a person moved since is a candidate again.
        moved = [t for t in snap.having(*LEFT_OUT)
                 if moved_since(self.project, snap.records[t])]
        return [t for t in sorted([*snap.having("done"), *moved])
                if self._left_out.get(t, "-") != snap.records[t].updated_at]

    def _should_land(self, roadmap: Roadmap, snap: Snapshot, tick: bool,
                     timed_out: bool) -> bool:
        awaiting = len(self._awaiting_land(snap))
        if not awaiting:
            return tick and bool(snap.having("in-pr"))  # land notices merged pull requests
        if self._land_failures:
            return tick  # after a failure, try again only at ticks
        if tick or not snap.busy:
            return True
        if timed_out:
            return False  # one landing once the running tracks end
        if awaiting >= self.options.parallel:
            return True  # a round's worth of work waits: main gets it, its disk is freed
        free = self.options.parallel - len(snap.busy)
        overlapping = self._plan(roadmap, snap, free, landing=True).land_now
        return landing_helps(roadmap, snap, free) or bool(overlapping)

    def _backoff(self, record: TrackRecord) -> float:
        return float(self.options.every * 2 ** max(0, record.attempts - 1))

    def _restarts(self, snap: Snapshot) -> tuple[list[str], list[str]]:
        """Tracks to start again: (due now, failed ones waiting for their back-off)."""
        due = sorted(t for t in self._restart - set(self._given_up)
                     if t in snap.records and snap.records[t].state == "stopped")
        waits = snapshot.rate_limited(snap, self._logged_out | set(self._given_up), time.time())
        due, later = due + waits[0], list(waits[1])
        for track in snap.having("failed"):
            record = snap.records[track]
            if (track in self._given_up or record.attempts > self.options.retries
                    or record.failure in FINAL_FAILURES):
                continue
            if track not in self._failed_at:  # failed before this run: count from its end,
                ended = stamps.parse(record.ended_at)  # kept, as an end in the future is now
                self._failed_at[track] = (time.monotonic() - stamps.since(ended, time.time())
                                          if ended else 0.0)
            ready = time.monotonic() >= self._failed_at[track] + self._backoff(record)
            (due if ready else later).append(track)
        return due, later

    def _fill(self, roadmap: Roadmap, snap: Snapshot, tick: bool,
              before_landing: bool = False) -> bool:
        """Start retries first, then ready tracks, in the free slots; whether any started."""
        free = self.options.parallel - len(snap.busy)
        if free <= 0:
            return False
        launched = 0
        due, _ = self._restarts(snap)
        avoid = snapshot.avoid(snap, self._logged_out, time.time())
        if due:
            result = self._start(due[:free], snap, avoid)
            launched += len(result.launched)
            for track, why in result.skipped:
                if why == "landed":  # by another machine meanwhile
                    self.say(f"✓ Track {track} landed elsewhere; not run again")
                elif why != "no free slot" and not why.startswith(tuple(avoid)):
                    self._given_up[track] = why
                    self.say(f"✗ Track {track} cannot be started again: {why}")
            self._restart -= {run.track.id for run in result.launched}
        world = (snap.key, self._main.tip)
        can = snapshot.startable(roadmap, snap, self.project.config, self._logged_out)
        if launched < free and (tick or (can and world != self._idle)):
            plan = self._plan(roadmap, snap, free - launched, landing=False, quiet=before_landing)
            chosen = [t for t in plan.start if not (before_landing and t in plan.forced)]
            result = (self._start(chosen if plan.steered else [], snap, avoid)
                      if chosen or not plan.steered else StartResult(None, []))
            launched += len(result.launched)
            if not result.launched:
                self._idle = world
        return launched > 0

    def _plan(self, roadmap: Roadmap, snap: Snapshot, free: int, landing: bool,
              quiet: bool = False) -> snapshot.OverlapPlan:
        """Which ready tracks overlap running ones (scheduling.overlap); each finding said once."""
        plan = snapshot.overlap_plan(self.project, roadmap, snap, self._awaiting_land(snap),
                                     free, self._main.tip)
        for note in [] if quiet else plan.news(self._said_overlap, landing):
            self.say(note)
        return plan

    def _start(self, tracks: list[str], snap: Snapshot, avoid: dict[str, str]) -> StartResult:
        try:
            result = start(self.project, group=None, track_ids=tracks, dry_run=False,
                           avoid=avoid)
        except GitorchError as error:
            self._error(f"start: {error}")
            self._note_full(error)
            return StartResult(None, [])
        if result.warning:
            self._error(result.warning)
        now = time.monotonic()
        for run in result.launched:
            track = run.track
            self._since[track.id] = now
            record = snap.records.get(track.id)
            retry = record is not None and record.state == "failed"
            if record is not None and record.state == "rate-limited":
                self.say(f"Track {track.id}: {record.agent} may run again; re-running "
                         f"phase {record.failed_phase}")
            verb = "Retrying" if retry else "Resuming" if run.resumed else "Starting on"
            attempt = (f" (attempt {record.attempts + 1} of {self.options.retries + 1})"
                       if retry and record is not None else "")
            self.say(f"{verb} Group {track.group}, Track {track.number}: "
                     f"{safe_text(track.title)}{attempt}")
        return result

    def _land(self) -> None:
        # A fresh look first: a track that ended since is said done (with its time) first.
        candidates = set(self._awaiting_land(self._look()))
        try:
            result = land(self.project, [], dry_run=False, push=True, test=True, keep=True)
        except GitorchError as error:
            self._land_failures += 1
            self._error(f"land: {error}")
            self._note_full(error)
            return
        self._land_failures = 0
        self._report_land(result)
        snap = look(self.project)
        # Left out (also one that ended since that look): not tried again until it changes.
        for track in (candidates | set(result.skipped)) & set(snap.having("done")):
            self._left_out[track] = snap.records[track].updated_at
            self._error(f"{track} was not landed: {result.skipped.get(track, 'land left it out')}")

    def _tidy(self) -> None:
        """Remove the worktrees and branches of the tracks landed since the last time."""
        try:
            notes = remove_track_trees(self.project, self._untidy) if self._untidy else []
        except GitorchError as error:  # a stale lock, say: tried again next time
            self._error(f"tidying {', '.join(self._untidy)}: {error}")
            return
        for note in notes:
            self.say(f"note: {note}")
        self._untidy = []

    def _report_land(self, result: LandResult) -> None:
        self.landed += result.landed
        self._untidy += result.landed
        self.pushes += int(result.pushed)
        for line in landing_news(self.project, result):
            self.say(line)
        if result.diverged:
            self._error(f"land: {result.diverged}")

    def _finished(self, roadmap: Roadmap, snap: Snapshot, timed_out: bool) -> str | None:
        """Why the run is over, or None while there is something left to do."""
        if snap.busy:
            return None
        # Time is up: a landing that failed (a silent remote) is not tried again at later ticks.
        if self._awaiting_land(snap) and self._land_failures < (1 if timed_out else LAND_GIVE_UP):
            return None
        if timed_out:
            return "time"
        if snap.having("in-pr"):
            return None  # each tick looks whether their pull requests were merged
        if self.project.config.land.approve and snap.having("needs-review"):
            return None  # asked to wait for a person's approval: each tick lands what has it
        due, later = self._restarts(snap)
        if (due or later or repairs_due(self.project, snap)
                or snapshot.startable(roadmap, snap, self.project.config, self._logged_out)):
            return None
        return "done" if roadmap.current_group() is None and not self._awaiting_land(snap) \
            else "stuck"

    def _note_full(self, error: GitorchError) -> None:
        if is_full(error) and self._full is None:  # said where the run ends, not here
            self._full = (as_disk_full(error, self.project.state.root), time.monotonic())

    def _error(self, message: str) -> None:
        self.errors.append(message)
        if message != self._said_error:  # the same trouble every tick is said once
            self.say(f"! {message}")
        self._said_error = message

    def _summary(self, reason: str, snap: Snapshot) -> Summary:
        summary = Summary(reason, list(self.landed), snap.having("failed", "gate-failed", "stuck"),
                          snap.having("conflict"), snap.having("stopped"), sorted(snap.busy),
                          waits(self._main.current(), snap), self.pushes,
                          time.monotonic() - self.began,
                          dict(self.track_times), list(dict.fromkeys(self.errors)),
                          usage=snapshot.spent(snap) - self._spent_before,
                          left_out=left_out_now(self.project, snap),
                          needs_review=review_waits(snap))
        tell_run_end(self.project, summary)
        return summary
