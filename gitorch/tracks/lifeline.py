"""What keeps a runner (phases or a repair) honest while it works.

Its stop flag (a signal, or a claim another machine took), the heartbeat of its shared
claim, and the check that it was handed the track's lock by the command that started it.
"""

from __future__ import annotations

import os
import signal
import threading
from types import FrameType

from gitorch.errors import GitorchError
from gitorch.names import TrackId
from gitorch.project import Project
from gitorch.tracks.log import TrackLog
from gitorch.tracks.remote_claims import heartbeat
from gitorch.upstream import remote_name


class StopFlag:
    """Set by SIGTERM, SIGINT or SIGHUP, or a lost claim; the agent run checks it."""

    def __init__(self) -> None:
        self.set = False
        self.reason: str | None = None
        self.event = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, self._handle)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.stop(None)

    def stop(self, reason: str | None) -> None:
        self.reason, self.set = reason, True
        self.event.set()


def keep_claim_alive(project: Project, track: TrackId, base: str, stop: StopFlag,
                     log: TrackLog, *, refresh_now: bool = False) -> None:
    """With shared claims, refresh ours on the remote every heartbeat until stop is set.

    refresh_now: once at once too, raising if another machine took it meanwhile (a repair
    starts after its track's runner went quiet).
    """
    remote = remote_name(project) if project.config.claims.remote else None
    if remote is None:
        return
    if refresh_now:
        heartbeat(project, remote, track, base, os.getpid())

    def beat() -> None:
        while not stop.event.wait(project.config.claims.heartbeat):
            try:
                heartbeat(project, remote, track, base, os.getpid())
            except GitorchError as error:
                log.line(f"Heartbeat: {error}; stopping")
                stop.stop(str(error))
                return

    threading.Thread(target=beat, daemon=True).start()


def check_handed_lock(project: Project, track: TrackId, lock_fd: int, command: str) -> None:
    """Refuse to run unless lock_fd is the track's lockfile, handed down already locked."""
    try:
        held, expected = os.fstat(lock_fd), os.stat(project.state.lockfile(track))
        handed = (held.st_dev, held.st_ino) == (expected.st_dev, expected.st_ino)
    except OSError:
        handed = False
    if not handed:
        raise GitorchError(f"the runner for {track} was not handed its lock; use {command}")
