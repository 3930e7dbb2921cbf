"""What each track is doing: the roadmap, its record, its claim and its lock, put together."""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone
from functools import cache
from pathlib import Path
from typing import Any, get_origin, get_type_hints

from gitorch import git
from gitorch.errors import GitorchError
from gitorch.git import history
from gitorch.liveness import pid_running, this_host
from gitorch.names import TrackId, branch_name, worktree_path
from gitorch.process import ProcessError
from gitorch.project import Project
from gitorch.roadmap.model import Roadmap, Track
from gitorch.state import COUNT_MAX, PID_MAX, json_bytes, json_object, whole, write_atomic
from gitorch.tracks.claims import Claim, lock_is_free, parse_claim
from gitorch.tracks.events import read_events
from gitorch.tracks.remote_claims import RemoteClaim, is_expired
from gitorch.tracks.trust import Known, made_elsewhere, moved_since_recorded

# States a runner leaves behind; any other recorded state with a free lock is stale.
ENDED = frozenset({"done", "failed", "stopped", "conflict", "gate-failed", "in-pr", "landed",
                   "rate-limited", "needs-review", "stuck"})
LEFT_OUT = frozenset({"conflict", "gate-failed"})
# A repair's state, and the state it goes back to if it ends without finishing (healing:
# a fix or address phase for the track's pull request).
REPAIRING = {"resolving": "conflict", "fixing": "gate-failed", "healing": "in-pr"}
# States of a track whose pull request is open: it lands when that merges.
IN_PR = frozenset({"in-pr", "healing", "stuck"})


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class TrackRecord:
    """`<state>/tracks/<key>.json`: what the runner last wrote about a track."""

    track: str
    state: str
    branch: str
    worktree: str
    base: str | None = None
    phase: str | None = None
    pid: int | None = None
    agent_pgid: int | None = None
    host: str = field(default_factory=this_host)
    started_at: str | None = None
    updated_at: str | None = None
    ended_at: str | None = None
    exit_code: int | None = None
    failed_phase: str | None = None  # the phase a failed or stopped run ended in
    reason: str | None = None
    attempts: int = 0
    agent: str | None = None  # the agent of the phase running, or last run
    failure: str | None = None  # auth | budget | fatal | stuck | stray: why a retry fails
    reset_at: str | None = None  # rate-limited: when the agent may run again
    usage: dict[str, Any] = field(default_factory=dict)  # phase -> Usage.as_json()
    slot: int | None = None  # GITORCH_SLOT, distinct among running tracks
    prepared: bool = False  # worktree.setup and worktree.copy done in its worktree
    left_tip: str | None = None  # the branch tip when land left it out (conflict, gate)
    landed_from: str | None = None  # the branch tip land replayed onto main (or a PR)
    repairs: int = 0  # resolve or fix runs spent on it
    sandboxed: bool = False  # whether its last phase ran in the sandbox
    approved_tip: str | None = None  # the tip a person approved protected changes at
    tip: str | None = None  # the branch tip its last phase or repair ended on: what land lands
    pr_rounds: list[dict[str, Any]] = field(default_factory=list)  # its pull request's repairs
    sessions: dict[str, Any] = field(default_factory=dict)  # phase -> its agent's session id
    last_session: str | None = None  # the phase whose session is the newest
    resumable: str | None = None  # the phase whose session was cut short, to continue
    message_from: str | None = None  # in a message phase: the phase it was in before

    @classmethod
    def load(cls, project: Project, track: TrackId) -> TrackRecord | None:
        """The record, or None if it is missing or damaged (or another track's)."""
        record = cls._read(project.state.record(track))
        return record if record is not None and record.track == str(track) else None

    @classmethod
    def _read(cls, path: Path) -> TrackRecord | None:
        kept = cls._kept(path)
        return None if kept is None else kept.copy()

    @classmethod
    def _kept(cls, path: Path) -> TrackRecord | None:
        """The record path holds, as last read (not to be changed: see copy)."""
        try:
            data = path.read_bytes()
        except OSError:
            return None
        return cls._from_bytes(path, data)

    @classmethod
    def _from_bytes(cls, path: Path, data: bytes) -> TrackRecord | None:
        kept = _READ.get(path)
        if kept is None or kept[0] != data:
            document = json_object(data)
            kept = (data, None if document is None else cls.from_document(document))
            _READ[path] = kept
        return kept[1]

    def copy(self) -> TrackRecord:
        """A record of its own: callers change the one they get (its state, usage,
        sessions, rounds...), while the one kept stays as the file says."""
        copied = copy.copy(self)
        for name in _containers():
            setattr(copied, name, copy.deepcopy(getattr(self, name)))
        return copied

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> TrackRecord | None:
        """The record a record file's JSON holds, or None if it is damaged."""
        types = _record_types()
        values = {k: v for k, v in document.items() if k in types}
        # A damaged record is no record: a wrong type or a number out of range (state.py
        # says why each bound) would fail far from here.
        if any(isinstance(v, bool) != (types[k] is bool)
               or not isinstance(v, _container(types[k]))
               for k, v in values.items()):
            return None
        if any(values.get(k) is not None and whole(values[k], *bounds) is None
               for k, bounds in _BOUNDS.items()):
            return None
        try:
            record = cls(**values)
            TrackId.parse(record.track)
        except (TypeError, GitorchError):
            return None
        return record

    @classmethod
    def all(cls, project: Project) -> list[TrackRecord]:
        """Every readable record, in file-name order (one under another track's name is not)."""
        folder = project.state.root / "tracks"
        try:
            names = sorted(entry.name for entry in os.scandir(folder)
                           if entry.name.endswith(".json") and not entry.name.startswith("."))
        except OSError:
            names = []
        found = []
        for name in names:
            record = cls._kept(folder / name)
            if record is not None and name == _file_name(record.track):
                found.append(record.copy())
        return found

    def save(self, project: Project) -> None:
        self.updated_at = now()
        path = project.state.record(TrackId.parse(self.track))
        # The fields as they are: asdict copied each deeply, most of what a save cost.
        data = json_bytes({f.name: getattr(self, f.name) for f in fields(self)})
        write_atomic(path, data)
        _WROTE[path] = (data, self.state)

    def save_unless_landed(self, project: Project) -> bool:
        """Save as a runner does: a track that landed meanwhile stays landed (then True)."""
        landed = self.took_landed(project)
        self.save(project)
        return landed

    def took_landed(self, project: Project) -> bool:
        """Whether land marked the track landed meanwhile; if so, this record says so too."""
        if not _landed_on_disk(project.state.record(TrackId.parse(self.track)), self.track):
            return False
        self.state, self.reason, self.failed_phase, self.exit_code = "landed", None, None, None
        return True


# The record last read from each file, by its bytes: `run` reads every record several
# times a second, and checking and building one costs far more than reading the file.
_READ: dict[Path, tuple[bytes, TrackRecord | None]] = {}

# The bytes this process last wrote to each record file, and the state they hold: a runner
# asks before each save whether land wrote the file meanwhile, mostly finding its own.
_WROTE: dict[Path, tuple[bytes, str]] = {}


def _landed_on_disk(path: Path, track: str) -> bool:
    """Whether the record file at path says track landed."""
    try:
        data = path.read_bytes()
    except OSError:
        return False
    wrote = _WROTE.get(path)
    if wrote is not None and wrote[0] == data:
        return wrote[1] == "landed"
    there = TrackRecord._from_bytes(path, data)  # only looked at: the kept one, not a copy
    return there is not None and there.track == track and there.state == "landed"


# Each number's range; an exit code is a status (0-255) or minus a signal's number.
_BOUNDS = {"pid": (2, PID_MAX), "agent_pgid": (2, PID_MAX), "exit_code": (-255, 255),
           "attempts": (0, COUNT_MAX), "repairs": (0, COUNT_MAX), "slot": (0, COUNT_MAX)}


@cache
def _record_types() -> dict[str, Any]:
    return get_type_hints(TrackRecord)


@cache
def _file_name(track: str) -> str:
    """The record file's name for a track id: a record under another name is not read."""
    return f"{TrackId.parse(track).key}.json"


@cache
def _containers() -> tuple[str, ...]:
    """The fields a copy of a record must not share: its dicts and lists."""
    return tuple(name for name, hint in _record_types().items()
                 if get_origin(hint) in (dict, list))


def _container(hint: Any) -> Any:
    """What isinstance can check of a field's type: dict or list for dict[...] and list[...]."""
    return get_origin(hint) if get_origin(hint) in (dict, list) else hint


def pid_alive(pid: int | None, host: str | None) -> bool:
    """Whether pid is a live process on this machine."""
    return pid is not None and host == this_host() and pid_running(pid)


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


def claims(project: Project) -> dict[str, Claim | None]:
    """Every local claim ref, by track id, with the claim it records (None: damaged)."""
    prefix = "refs/gitorch/claims/"
    try:
        refs = git.ref_messages(project.paths, prefix)
    except ProcessError:
        # A ref at a missing object stops for-each-ref from reading any message: read each
        # on its own, so that one damaged claim does not hide the others.
        refs = {ref: (commit, git.commit_message(project.paths, commit) or "")
                for ref, commit in git.list_refs(project.paths, prefix).items()}
    return {ref.removeprefix(prefix): parse_claim(commit, message)
            for ref, (commit, message) in refs.items()}


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


def lock_free(project: Project, track: TrackId) -> bool:
    """Whether no runner holds the track's lock; a lockfile made into a folder holds none."""
    path = project.state.lockfile(track)
    if path.exists() and not path.is_file():
        return True  # no runner could lock it (one that held the old file has a live pid)
    return lock_is_free(path)


def done_by_trailer(project: Project, track: TrackId, branch: str,
                    holding_lock: bool = False) -> bool:
    """Whether someone finished the track by hand: its branch tip says `Gitorch-Done: true`.

    Only once no runner is at work on it (holding_lock: the caller holds its lock): an agent
    that commits the trailer and goes on has not finished.
    """
    events = read_events(project.state, track)
    if not events or not events[-1].done:
        return False
    if git.read_ref(project.paths, f"refs/heads/{branch}") != events[-1].commit:
        return False
    # The lock, not the pid: a runner holds it from its claim to its end.
    return holding_lock or lock_free(project, track)


def landed_tracks(project: Project, records: Sequence[TrackRecord] | None = None
                  ) -> frozenset[str]:
    """Tracks whose records say they landed (records: every record, if read already)."""
    records = TrackRecord.all(project) if records is None else records
    return frozenset(r.track for r in records if r.state == "landed")


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
