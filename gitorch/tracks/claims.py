"""Claims (DESIGN §4): a lockfile held by the runner, and a claim ref created only if absent."""

from __future__ import annotations

import fcntl
import getpass
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO

from gitorch import git
from gitorch.errors import GitorchError
from gitorch.liveness import this_host
from gitorch.names import TrackId, claim_ref
from gitorch.state import read_pid

CLAIM_SUBJECT = "gitorch claim"
LOCK_POLL_INTERVAL = 0.02  # seconds between tries of a repository lock someone holds


class TrackLock:
    """An exclusive flock on a track's lockfile; children given its fd share the lock."""

    def __init__(self, file: BinaryIO) -> None:
        self._file = file

    @classmethod
    def try_acquire(cls, path: Path) -> TrackLock | None:
        """The lock, or None if another process holds it. The file itself is never deleted.

        Raises GitorchError when the lockfile cannot be opened (a folder put there, say).
        """
        file = _open_lockfile(path)  # the lock lives as long as this object
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            file.close()
            return None
        return cls(file)

    @property
    def fd(self) -> int:
        return self._file.fileno()

    def release(self) -> None:
        """Close our descriptor; a child that inherited it keeps the lock."""
        self._file.close()


@contextmanager
def repository_lock(state_root: Path, name: str, timeout: float = 300.0, *,
                    shared: bool = False) -> Iterator[None]:
    """Wait for a lock that every gitorch process of the repository shares.

    shared: many holders at once, none while someone holds it exclusively.
    """
    path = state_root / "locks" / f"{name}.lock"
    file = _open_lockfile(path)  # closed below, which lets go of the lock
    deadline = time.monotonic() + timeout
    with file:
        while True:
            try:
                fcntl.flock(file, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise GitorchError(f"{path} stayed locked for {timeout:.0f} s; is another "
                                       "gitorch stuck?") from None
                time.sleep(LOCK_POLL_INTERVAL)
        yield


def _open_lockfile(path: Path) -> BinaryIO:
    """path opened for flock, made if missing; one that cannot be opened is a GitorchError."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return open(path, "a+b")  # the caller closes it to let go of the lock
    except OSError as error:
        raise GitorchError(f"cannot use the lockfile {path}: {error.strerror}; "
                           "remove it") from error


def lock_is_free(path: Path) -> bool:
    """Whether nobody holds path's lock (taking it for an instant to find out).

    A lockfile that cannot be opened counts as held: nothing may take that track.
    """
    try:
        lock = TrackLock.try_acquire(path)
    except GitorchError:
        return False
    if lock is None:
        return False
    lock.release()
    return True


@dataclass(frozen=True)
class Claim:
    """What a claim commit records."""

    commit: str
    track: str
    host: str
    pid: int
    user: str
    time: str
    base: str
    nonce: str


def claim_message(track: TrackId, base: str, pid: int) -> str:
    """A claim commit's message; the nonce keeps two claims from ever being one commit."""
    import secrets
    fields = {
        "track": str(track),
        "host": this_host(),
        "pid": str(pid),
        "user": _user(),
        "time": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "base": base,
        "nonce": secrets.token_hex(8),
    }
    return f"{CLAIM_SUBJECT} {track}\n\n" + "".join(f"{k}: {v}\n" for k, v in fields.items())


def parse_claim(commit: str, message: str) -> Claim | None:
    """The claim a commit message records, or None if it is not a claim commit."""
    if not message.startswith(CLAIM_SUBJECT + " "):
        return None
    fields = dict(line.split(": ", 1) for line in message.splitlines() if ": " in line)
    try:
        pid = read_pid(int(fields["pid"]))
        if pid is None:
            return None  # no process has it: someone wrote this message by hand
        return Claim(commit, fields["track"], fields["host"], pid,
                     fields["user"], fields["time"], fields["base"], fields["nonce"])
    except (KeyError, ValueError):
        return None


def read_claim(paths: git.RepoPaths, track: TrackId) -> tuple[str | None, Claim | None]:
    """The claim ref's commit id (None: no claim) and the claim it records (None: damaged)."""
    commit = git.read_ref(paths, claim_ref(track))
    if commit is None:
        return None, None
    message = git.commit_message(paths, commit)
    return commit, None if message is None else parse_claim(commit, message)


def take_claim(paths: git.RepoPaths, track: TrackId, base: str, expected: str | None) -> str:
    """Point the claim ref at a new claim commit if it is still at expected (None: absent).

    Raises git.RefMoved when someone else got there first.
    """
    commit = git.create_marker_commit(paths, claim_message(track, base, os.getpid()))
    git.update_ref(paths, claim_ref(track), commit, expected, f"gitorch: claim {track}")
    return commit


def drop_claim(paths: git.RepoPaths, track: TrackId, expected: str) -> None:
    """Delete the claim ref if it is still at expected."""
    git.update_ref(paths, claim_ref(track), None, expected, f"gitorch: release {track}")


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
