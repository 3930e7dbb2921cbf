"""What each track is doing: the roadmap, its record, its claim and its lock, put together."""

from __future__ import annotations

import socket
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from gitorch import git
from gitorch.claims import Claim, lock_is_free, parse_claim
from gitorch.errors import GitorchError
from gitorch.events import read_events
from gitorch.names import TrackId, branch_name, worktree_path
from gitorch.process import pid_running
from gitorch.project import Project
from gitorch.remote_claims import RemoteClaim, is_expired
from gitorch.roadmap import Roadmap, Track
from gitorch.state import read_json, write_json

# States a runner leaves behind; any other recorded state with a free lock is stale.
ENDED = frozenset({"done", "failed", "stopped", "conflict", "gate-failed", "landed"})


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
    host: str = field(default_factory=socket.gethostname)
    started_at: str | None = None
    updated_at: str | None = None
    ended_at: str | None = None
    exit_code: int | None = None
    failed_phase: str | None = None
    reason: str | None = None
    attempts: int = 0

    @classmethod
    def load(cls, project: Project, track: TrackId) -> TrackRecord | None:
        """The record, or None if it is missing or damaged."""
        return cls._read(project.state.record(track))

    @classmethod
    def _read(cls, path: Path) -> TrackRecord | None:
        document = read_json(path)
        if document is None:
            return None
        known = {f.name for f in fields(cls)}
        try:
            record = cls(**{k: v for k, v in document.items() if k in known})
            TrackId.parse(record.track)
        except (TypeError, GitorchError):
            return None
        return record

    @classmethod
    def all(cls, project: Project) -> list[TrackRecord]:
        """Every readable record, in file-name order."""
        folder = project.state.root / "tracks"
        paths = sorted(folder.glob("*.json")) if folder.is_dir() else []
        return [record for record in map(cls._read, paths) if record is not None]

    def save(self, project: Project) -> None:
        self.updated_at = now()
        write_json(project.state.record(TrackId.parse(self.track)), asdict(self))


def pid_alive(pid: int | None, host: str | None) -> bool:
    """Whether pid is a live process on this machine."""
    return pid is not None and host == socket.gethostname() and pid_running(pid)


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

    @property
    def id(self) -> TrackId:
        return TrackId(self.track.group, self.track.number)


def claims(project: Project) -> dict[str, Claim | None]:
    """Every local claim ref, by track id, with the claim it records (None: damaged)."""
    found: dict[str, Claim | None] = {}
    for ref, (commit, message) in git.ref_messages(project.paths, "refs/gitorch/claims/").items():
        track = ref.removeprefix("refs/gitorch/claims/")
        found[track] = parse_claim(commit, message)
    return found


def observe(project: Project, roadmap: Roadmap, track: Track,
            claimed: dict[str, Claim | None], landed: frozenset[str], *,
            holding_lock: bool = False, elsewhere: RemoteClaim | None = None) -> TrackView:
    """Put together what is known of one track.

    holding_lock: the caller holds its lock; elsewhere: its claim on the shared remote.
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
    if record is not None and record.base is not None:
        commits = git.log_subjects(project.paths, record.base, branch)
    waiting = roadmap.waiting_on(track.id, landed) if state == "blocked" else ()
    return TrackView(track, state, record, claimed.get(track.id), is_claimed, alive, branch,
                     worktree, len(commits), commits[0] if commits else None, waiting,
                     project.state.log(track_id))


def _state(project: Project, roadmap: Roadmap, track: Track, record: TrackRecord | None,
           claimed: bool, alive: bool, landed: frozenset[str], holding_lock: bool) -> str:
    if record is not None and record.state == "landed":
        return "landed"
    if record is None and not claimed:
        return roadmap.track_state(track.id, landed)
    if alive and record is not None:
        return record.state
    if record is not None and done_by_trailer(project, TrackId.parse(record.track),
                                              record.branch):
        return "done"
    if record is not None and record.state in ENDED:
        return record.state
    if holding_lock or lock_is_free(project.state.lockfile(TrackId(track.group, track.number))):
        return "stale"
    return record.state if record else "claimed"


def done_by_trailer(project: Project, track: TrackId, branch: str) -> bool:
    """Whether someone finished the track by hand: its branch tip says `Gitorch-Done: true`."""
    events = read_events(project.state, track)
    if not events or not events[-1].done:
        return False
    return git.read_ref(project.paths, f"refs/heads/{branch}") == events[-1].commit


def landed_tracks(project: Project) -> frozenset[str]:
    """Tracks whose records say they landed."""
    return frozenset(r.track for r in TrackRecord.all(project) if r.state == "landed")


def as_json(view: TrackView) -> dict[str, Any]:
    """A track in the status document's shape (DESIGN §8)."""
    record = view.record
    return {
        "id": view.track.id,
        "group": view.track.group,
        "number": view.track.number,
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
        "reason": record.reason if record else None,
    }
