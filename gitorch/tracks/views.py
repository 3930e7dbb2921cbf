"""What each track is doing: the roadmap, its record, its claim and its lock, put together."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gitorch import git
from gitorch.git import history
from gitorch.names import TrackId, branch_name, worktree_path
from gitorch.project import Project
from gitorch.roadmap.model import Roadmap, Track
from gitorch.tracks.claims import Claim
from gitorch.tracks.records import (
    ENDED,
    IN_PR,
    LEFT_OUT,
    REPAIRING,
    TrackRecord,
    done_by_trailer,
    lock_free,
    pid_alive,
)
from gitorch.tracks.remote_claims import RemoteClaim, is_expired
from gitorch.tracks.trust import Known, made_elsewhere, moved_since_recorded


@dataclass(frozen=True)
class TrackView:
    """One track as `status` shows it."""

    track: Track
    state: str
    record: TrackRecord | None
    claim: Claim | None
    claimed: bool
    alive: bool
    branch: str
    worktree: str
    commits: int
    last_commit: str | None
    waiting_on: tuple[str, ...]

    log: Path
    problem: str | None = None  # damage done by hand, in one line

    @property
    def id(self) -> TrackId:
        return TrackId(self.track.group, self.track.number)


def observe(project: Project, roadmap: Roadmap, track: Track,
            claimed: dict[str, Claim | None], landed: frozenset[str], *,
            holding_lock: bool = False, elsewhere: RemoteClaim | None = None,
            detail: bool = True, subjects: list[str] | None = None,
            known: Known | None = None) -> TrackView:
    """Put together what is known of one track.

    holding_lock: the caller holds its lock; elsewhere: its claim on the shared remote;
    detail: also count its commits and look for damage (status wants them, start does not);
    subjects: its commits as track_subjects() read them, if it did; known: what a caller
    observing many tracks read once for all of them.
    """
    track_id = TrackId(track.group, track.number)
    record = TrackRecord.load(project, track_id)
    is_claimed = track.id in claimed
    alive = record is not None and pid_alive(record.pid, record.host)
    state = _state(project, roadmap, track, record, is_claimed, alive, landed, holding_lock)
    if state in ("pending", "blocked") and elsewhere is not None:
        state = "stale" if is_expired(project, elsewhere) else "claimed"
    branch = record.branch if record else branch_name(track_id, track.title)
    worktree = record.worktree if record else str(worktree_path(project.worktrees_dir,
                                                                track_id))
    commits: list[str] = []
    if detail and record is not None and record.base is not None:
        commits = (subjects if subjects is not None
                   else git.log_subjects(project.paths, record.base, branch))
    waiting = roadmap.waiting_on(track.id, landed) if state == "blocked" else ()
    problem = _problem(project, track_id, record, alive, bool(commits), known) if detail else None
    return TrackView(track, state, record, claimed.get(track.id), is_claimed, alive, branch,
                     worktree, len(commits), commits[0] if commits else None, waiting,
                     project.state.log(track_id), problem)


def track_subjects(project: Project, tracks: Sequence[Track], branches: Mapping[str, str]
                   ) -> dict[str, list[str]]:
    """What observe() counts as each recorded track's commits, for all of them at once.

    branches: every branch's tip, as git.list_refs(paths, "refs/heads/") gives them.
    """
    ranges, gone = {}, []
    for track in tracks:
        record = TrackRecord.load(project, TrackId(track.group, track.number))
        if record is None or record.base is None:
            continue
        tip = branches.get(f"refs/heads/{record.branch}")
        if tip is None:
            gone.append(track.id)
        else:
            ranges[track.id] = (record.base, tip)
    return {**history.subjects_since(project.paths, ranges), **{t: [] for t in gone}}


def _problem(project: Project, track: TrackId, record: TrackRecord | None, alive: bool,
             has_commits: bool, known: Known | None) -> str | None:
    """What was damaged by hand around a track, in one line: the first thing found."""
    state = project.state
    if record is None and state.record(track).exists():
        return f"damaged record {state.record(track)} (read as none)"
    for what, path in (("lockfile", state.lockfile(track)), ("log", state.log(track))):
        if path.exists() and not path.is_file():
            return f"{what} {path} is not a file"
    if record is None or record.started_at is None or record.state == "landed" or alive:
        return None  # nothing made yet, or taken down by land, or a runner at work
    if record.state in REPAIRING:
        return (f"its {record.phase or 'repair'} was interrupted (a rebase may be under way "
                f"in {record.worktree}); gitorch repair {track} finishes or aborts it")
    if record.state == "done" and record.tip is not None and record.base is not None:
        refused = _refused(project, track, record, known)
        if refused is not None:
            return f"land refuses it: {refused}"
    if not has_commits and not git.branch_exists(project.paths, record.branch):
        return f"branch {record.branch} is missing"
    if not Path(record.worktree).exists():
        return f"worktree {record.worktree} is missing"
    return None


def _refused(project: Project, track: TrackId, record: TrackRecord, known: Known | None
             ) -> str | None:
    """Why land would refuse a done track's recorded tip (DESIGN §14), if it would."""
    assert record.tip is not None and record.base is not None
    ref = f"refs/heads/{record.branch}"
    branch_tip = known.branches.get(ref) if known else git.read_ref(project.paths, ref)
    if branch_tip is None or done_by_trailer(project, track, record.branch):
        return None  # gone (said below), or finished by hand: its branch as it is now
    return (moved_since_recorded(record, branch_tip)
            or made_elsewhere(project, record, record.base, record.tip,
                              known.records if known else TrackRecord.all(project),
                              known.beyond if known else None))



def _state(project: Project, roadmap: Roadmap, track: Track, record: TrackRecord | None,
           claimed: bool, alive: bool, landed: frozenset[str], holding_lock: bool) -> str:
    if record is not None and (record.state == "landed" or record.state in IN_PR - {"healing"}):
        return record.state
    if record is not None and track.done and not alive:
        return "landed"  # by another machine, or by hand: never claimed or run again
    if record is None and not claimed:
        return roadmap.track_state(track.id, landed)
    if alive and record is not None:
        return record.state
    if record is not None and record.state in REPAIRING:
        return REPAIRING[record.state]  # its repair was killed: left out still
    if record is not None and record.state in LEFT_OUT:
        return record.state
    if record is not None and done_by_trailer(project, TrackId.parse(record.track),
                                              record.branch, holding_lock):
        return "done"
    if record is not None and record.state in ENDED:
        return record.state
    if holding_lock or lock_free(project, TrackId(track.group, track.number)):
        return "stale"
    return record.state if record else "claimed"



def as_json(view: TrackView) -> dict[str, Any]:
    """A track in the status document's shape (DESIGN §8)."""
    record = view.record
    return {
        "id": view.track.id,
        "group": view.track.group,
        # A plain number stays a JSON number, as before ids were kept as written.
        "number": (int(view.track.number) if view.track.number.isdigit()
                   and str(int(view.track.number)) == view.track.number else view.track.number),
        "title": view.track.title,
        "state": view.state,
        "phase": record.phase if record else None,
        "pid": record.pid if record else None,
        "alive": view.alive,
        "host": record.host if record else (view.claim.host if view.claim else None),
        "branch": view.branch,
        "worktree": view.worktree,
        "log": str(view.log),
        "commits": view.commits,
        "last_commit": view.last_commit,
        "depends_on": list(view.track.depends_on),
        "waiting_on": list(view.waiting_on),
        "started_at": record.started_at if record else None,
        "updated_at": record.updated_at if record else None,
        # A done track's reason is land's, for leaving it out; an older run's (a track
        # then done by a trailer) is no longer true.
        "reason": record.reason if record and (view.state != "done"
                                               or record.state == "done") else None,
        "problem": view.problem,
        # The agent's newest session: what a cut-short phase, attach and send continue.
        "session": record.sessions.get(record.last_session or "") if record else None,
    }
