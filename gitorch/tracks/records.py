"""Each track's record (its state file), its claim and its lock, as files and refs say."""

from __future__ import annotations

import copy
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone
from functools import cache
from pathlib import Path
from typing import Any, get_origin, get_type_hints

from gitorch import git
from gitorch.errors import GitorchError
from gitorch.liveness import pid_running, this_host
from gitorch.names import TrackId
from gitorch.process import ProcessError
from gitorch.project import Project
from gitorch.state import COUNT_MAX, PID_MAX, json_bytes, json_object, whole, write_atomic
from gitorch.tracks.claims import Claim, lock_is_free, parse_claim
from gitorch.tracks.events import read_events

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
            path = folder / name
            record = cls._kept(path)
            if record is not None and path == project.state.record(_track_id(record.track)):
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
def _track_id(track: str) -> TrackId:
    """TrackId.parse, once a track id: all() asks it of every record, several times a second."""
    return TrackId.parse(track)


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
