"""A track's log: stamped lines and phase banners written, then read back or followed."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from gitorch.disk import DiskFull, write_failed
from gitorch.errors import GitorchError
from gitorch.names import TrackId
from gitorch.project import Project, load_roadmap
from gitorch.tracks.claims import lock_is_free

MAX_LINE = 64 * 1024  # longer agent lines are split, so one line never holds the log hostage


class TrackLog:
    """Appends stamped lines to a track's log file."""

    def __init__(self, path: Path, track: TrackId | str) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Unbuffered: a line a full disk refuses is lost, not retried at every flush.
            self._file: BinaryIO = open(path, "ab", buffering=0)  # noqa: SIM115 - kept open
        except OSError as error:
            raise write_failed(error, path) from error
        self.path = path
        # The whole id: tracks of several groups run side by side.
        self._tag = f"[{track}]"
        self.full: DiskFull | None = None  # the first line a full disk refused

    def line(self, text: str) -> None:
        """Write one line (newlines inside text become separate stamped lines)."""
        # Milliseconds: `gitorch report` times phases from these lines.
        moment = time.time()
        stamp = (time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(moment))
                 + f".{int(moment * 1000) % 1000:03d}")
        data = "".join(f"{stamp} {self._tag} {part}\n" for part in text.splitlines() or [""])
        try:
            self._file.write(data.encode("utf-8", "replace"))
        except OSError as error:
            failed = write_failed(error, self.path)
            if not isinstance(failed, DiskFull):
                raise
            # Going on keeps the agent's output drained; the runner ends the track on it.
            self.full = self.full or failed

    def raw(self, data: bytes) -> None:
        """Write an agent's output line, whatever bytes it holds."""
        self.line(data.rstrip(b"\r\n").decode("utf-8", "replace").replace("\x00", "\\0"))

    def banner(self, text: str) -> None:
        self.line(f"===== {text} =====")

    def close(self) -> None:
        self._file.close()


POLL = 0.2


def read_log(project: Project, name: str, lines: int, follow: bool) -> Iterator[str]:
    """The last `lines` lines of a track's log (or the gate's), then (follow) new ones."""
    path, lock = _log_of(project, name)
    with open(path, "rb") as log:
        yield from (line.decode("utf-8", "replace").rstrip("\n")
                    for line in deque(log, maxlen=lines))
        if not follow:
            return
        pending = b""
        while True:
            # Looked at before reading, so the runner's last lines are read after it ended.
            # The lock is held from the claim until the runner exits.
            ended = lock_is_free(lock)
            chunk = log.read()
            if chunk:
                pending += chunk
                *complete, pending = pending.split(b"\n")
                yield from (line.decode("utf-8", "replace") for line in complete)
            elif ended:
                if pending:
                    yield pending.decode("utf-8", "replace")
                return
            else:
                time.sleep(POLL)


def _log_of(project: Project, name: str) -> tuple[Path, Path]:
    """The log a name means, and the lock held while it is written."""
    if name.strip().lower() == "gate":
        path = project.state.gate_log
        if not path.is_file():
            raise GitorchError("the test gate has not run here yet: gitorch land runs it "
                               "when land.test_command is set")
        return path, project.state.root / "locks" / "land.lock"
    track = _known_track(project, TrackId.parse(name))
    path = project.state.log(track)
    if not path.exists():
        raise GitorchError(f"track {track} has no log yet ({path}); start it with "
                           f"gitorch start -t {track}")
    return path, project.state.lockfile(track)


def _known_track(project: Project, track: TrackId) -> TrackId:
    """The roadmap's spelling of a track id (`e/1` is E/1); refused if it has no such track.

    A track with a log is taken as it is, even if the roadmap dropped it or cannot be read.
    """
    if project.state.log(track).exists():
        return track
    try:
        roadmap = load_roadmap(project).roadmap
    except GitorchError:
        return track
    for known in roadmap.tracks():
        if known.id.casefold() == str(track).casefold():
            return TrackId(known.group, known.number)
    raise GitorchError(f"{project.config.roadmap} has no track {track}; "
                       f"gitorch status lists the tracks")
