"""A run as a picture's data: bars on lanes, their phases, idle gaps, marks and totals."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from gitorch.errors import GitorchError
from gitorch.names import TrackId
from gitorch.project import Project, load_roadmap
from gitorch.report.lanes import assign_lanes, idle_gaps
from gitorch.report.model import Bar, Mark, Phase, Report, Totals, TrackRow
from gitorch.report.sources import (
    LogEvent,
    RecordFacts,
    RunLine,
    TrackLogFacts,
    read_landings,
    read_records,
    read_runs_log,
    read_track_log,
    scheduler_alive,
    usage,
)
from gitorch.state import SLOTS_MAX, whole_text

BUSY = frozenset({"claimed", "running"})
REPAIR_PHASES = frozenset({"resolve", "fix"})
SLACK = 0.002  # log lines and run lines are stamped to the millisecond by one clock


def build(project: Project, since: float | None = None, now: float | None = None) -> Report:
    """The report of the last `gitorch run` (or of everything after since)."""
    now = time.time() if now is None else now
    lines = read_runs_log(project.state.runs_log)
    begin, slots, ended_at = _window(lines, since)
    records = read_records(project)
    logs: dict[str, TrackLogFacts] = {}

    def log_of(track: str) -> TrackLogFacts:
        if track not in logs:
            logs[track] = read_track_log(project.state.log(TrackId.parse(track)))
        return logs[track]

    bars = _bars(lines, begin, records, log_of, now)
    titles, depends = _roadmap(project)
    live = scheduler_alive(project) or any(b.outcome == "running" for b in bars)
    end = max([begin, *(b.end for b in bars), *([ended_at] if ended_at else [])])
    marks = _marks(project, bars, logs, begin)
    if marks:
        end = max(end, max(m.time for m in marks))
    if live:
        end = max(end, now)
    lanes = assign_lanes(bars)
    slots = max(slots or 0, lanes)
    gaps = idle_gaps(bars, marks, slots, begin, end, depends, live)
    rows = [_row(track, bars, records.get(track), log_of(track), titles)
            for track in sorted({b.track for b in bars}, key=_order)]
    return Report(begin, end, live, slots, bars, gaps, marks, rows,
                  _totals(bars, marks, slots, begin, end), since)


def _window(lines: list[RunLine], since: float | None) -> tuple[float, int | None, float | None]:
    """Where the report begins, the run's slots, and when the run ended (if it did)."""
    runs = [i for i, line in enumerate(lines) if line.words[:2] == ("run", "start")
            and (since is None or line.time >= since)]
    first = runs[-1] if runs and since is None else runs[0] if runs else None
    if first is None:
        begin = since if since is not None else (lines[0].time if lines else time.time())
        return begin, None, None
    start = lines[first]
    parallel = start.value("parallel")
    ends = [line.time for line in lines[first:] if line.words[:2] == ("run", "end")]
    begin = start.time if since is None else since
    return begin, whole_text(parallel, 1, SLOTS_MAX), (ends[-1] if ends else None)


def _bars(lines: list[RunLine], begin: float, records: dict[str, RecordFacts],
          log_of: Callable[[str], TrackLogFacts], now: float) -> list[Bar]:
    """Every runner's run from runs.log that reaches into the window, with its phases."""
    open_: dict[str, tuple[float, int | None]] = {}
    bars: list[Bar] = []

    def close(track: str, end: float, outcome: str, reason: str | None) -> None:
        start, slot = open_.pop(track)
        if end >= begin:
            bars.append(Bar(track, max(start, begin), max(end, start), outcome, slot,
                            reason=reason))

    for line in lines:
        if len(line.words) < 2 or line.words[0] not in ("start", "end"):
            continue
        track = line.words[1]
        try:
            TrackId.parse(track)
        except GitorchError:
            continue
        if line.words[0] == "start":
            if track in open_:  # its runner died unseen; this one resumes it
                close(track, _last_seen(log_of(track), open_[track][0], line.time),
                      "killed", "the runner was killed")
            slot = line.value("slot")
            open_[track] = (line.time, whole_text(slot, 0, SLOTS_MAX - 1))
        elif track in open_:
            outcome = line.words[2] if len(line.words) > 2 else "ended"
            close(track, line.time, outcome, line.tail("reason"))
    for track in list(open_):
        facts = records.get(track)
        if facts is not None and facts.alive and facts.record.state in BUSY:
            close(track, now, "running", None)
        else:
            close(track, _last_seen(log_of(track), open_[track][0], now), "killed",
                  "the runner was killed")
    for track in sorted({b.track for b in bars} | set(records)):
        facts = records.get(track)
        alive = facts is not None and facts.alive
        bars += outside_runs(track, log_of(track), [b for b in bars if b.track == track],
                           begin, alive, now)
    for bar in bars:
        bar.phases = _phases(log_of(bar.track).events, bar)
    return bars


def outside_runs(track: str, log: TrackLogFacts, runs: list[Bar], begin: float, alive: bool,
               now: float) -> list[Bar]:
    """Phases no runner's run holds (a repair run some other way, say), as bars of their own."""
    found: list[Bar] = []
    current: Bar | None = None
    for event in log.events:
        if event.time < begin or any(b.start - SLACK <= event.time <= b.end + SLACK
                                     for b in runs):
            continue
        if event.kind == "phase":
            if current is None:
                current = Bar(track, event.time, event.time, "running" if alive else "killed",
                              reason="phases run outside a runner")
                found.append(current)
            current.end = event.time
        elif event.kind == "exited" and current is not None:
            current.end = event.time
            current.outcome = "done" if event.code == 0 else "failed"
        elif current is not None:
            current = None  # the runner's end, or land's verdict: what follows is apart
    if found and found[-1].outcome == "running":
        found[-1].end = now
    return found


def _last_seen(log: TrackLogFacts, start: float, before: float) -> float:
    """The last sign of life of a runner that died: its log's last line before `before`."""
    seen = [e.time for e in log.events if start <= e.time <= before]
    if log.last is not None and start <= log.last <= before:
        seen.append(log.last)
    return max(seen, default=start)


def _phases(events: list[LogEvent], bar: Bar) -> list[Phase]:
    """The phases one run went through, from its log's banners and exit lines."""
    phases: list[Phase] = []
    current: Phase | None = None
    for event in events:
        if not bar.start - SLACK <= event.time <= bar.end + SLACK:
            continue
        if event.kind == "phase":
            if current is not None:
                current.end = event.time
            current = Phase(event.phase or "?", event.time, event.time, bar.outcome)
            phases.append(current)
        elif event.kind == "exited" and current is not None:
            current.end = event.time
            current.code = event.code
            current.outcome = "ok" if event.code == 0 else (
                "stopped" if bar.outcome == "stopped" else "failed")
            current = None
    if current is not None:
        current.end = bar.end
    return phases


def _marks(project: Project, bars: list[Bar], logs: dict[str, TrackLogFacts],
           begin: float) -> list[Mark]:
    """Landings and pushes on the shared axis; conflicts and red gates on a track's lane."""
    landed_at: dict[str, list[float]] = defaultdict(list)
    marks = []
    for track, facts in logs.items():
        for event in facts.events:
            if event.time < begin:
                continue
            if event.kind == "landed":
                landed_at[track].append(event.time)
            elif event.kind in ("conflict", "gate"):
                marks.append(Mark(event.kind, event.time, (track,), event.detail))
    for landing in read_landings(project):
        times = [t for track in landing.tracks for t in landed_at.get(track, [])]
        if not times:
            continue  # before the window, or a landing the logs do not place in time
        when = min(times)
        marks.append(Mark("landing", when, landing.tracks, landing.commit[:12]))
        if landing.pushed:
            marks.append(Mark("push", when, landing.tracks, landing.commit[:12]))
    return sorted(marks, key=lambda m: m.time)


def _roadmap(project: Project) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """Titles and dependencies of the roadmap on main; none if it cannot be read."""
    try:
        roadmap = load_roadmap(project).roadmap
    except GitorchError:
        return {}, {}
    tracks = roadmap.tracks()
    # A track also waits for every track of its group's prerequisite groups.
    before = {g.id: tuple(t.id for p in g.prerequisites for t in roadmap.group(p).tracks)
              for g in roadmap.groups}
    return ({t.id: t.title for t in tracks},
            {t.id: (*t.depends_on, *before[t.group]) for t in tracks})


def _order(track: str) -> tuple[str, int, str]:
    """Roadmap-like order: numbers as numbers (2 before 10), other ids as written."""
    parsed = TrackId.parse(track)
    number = parsed.number
    return parsed.group, int(number) if number.isdigit() else -1, number


@dataclass
class _Sums:
    phases: dict[str, float] = field(default_factory=dict)
    repairs: int = 0


def _row(track: str, bars: list[Bar], facts: RecordFacts | None, log: TrackLogFacts,
         titles: dict[str, str]) -> TrackRow:
    own = [b for b in bars if b.track == track]
    sums = _Sums()
    for bar in own:
        for phase in bar.phases:
            sums.phases[phase.name] = sums.phases.get(phase.name, 0.0) + phase.duration
            sums.repairs += phase.name in REPAIR_PHASES
    state = own[-1].outcome
    extra: dict[str, object] = {}
    commits: int | None = None
    if facts is not None:
        state = facts.record.state
        if state in BUSY and not facts.alive:
            state = "stale"
        extra, commits = facts.extra, facts.commits
        recorded = [v for k, v in extra.items() if "repair" in k and isinstance(v, int)
                    and not isinstance(v, bool)]
        sums.repairs = max([sums.repairs, *recorded])
    return TrackRow(track, titles.get(track) or log.title or "", state, sums.phases, commits,
                    len(own), sums.repairs, usage(extra), sum(b.duration for b in own))


def _totals(bars: list[Bar], marks: list[Mark], slots: int, begin: float,
            end: float) -> Totals:
    wall = max(end - begin, 0.0)
    busy = sum(b.duration for b in bars)
    return Totals(
        wall=wall, track_time=busy, speedup=busy / wall if wall else 0.0, slots=slots,
        utilisation=busy / (wall * slots) if wall and slots else 0.0,
        landings=sum(m.kind == "landing" for m in marks),
        pushes=sum(m.kind == "push" for m in marks),
        tracks=len({b.track for b in bars}))
