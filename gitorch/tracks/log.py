"""A track's log: stamped lines and phase banners written, then read back or followed."""

from __future__ import annotations

import os
import threading
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
from gitorch.tracks.logcut import cut_log, cut_note, resume_offset

MAX_LINE = 64 * 1024  # longer agent lines are split, so one line never holds the log hostage


class TrackLog:
    """Appends stamped lines to a track's log file, kept under max_size (see logcut)."""

    def __init__(self, path: Path, track: TrackId | str, max_size: int | None = None) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Unbuffered: a line a full disk refuses is lost, not retried at every flush.
            self._file: BinaryIO = open(path, "ab", buffering=0)  # noqa: SIM115 - kept open
        except OSError as error:
            raise write_failed(error, path) from error
        self.path, self._cap = path, max_size
        self.full: DiskFull | None = None  # the first line a full disk refused
        # The whole id: tracks of several groups run side by side.
        self._tag = f"[{track}]"
        # The agent's reader thread and the claim's heartbeat write side by side.
        self._lock = threading.Lock()
        self._phase_at = os.fstat(self._file.fileno()).st_size  # where this phase began
        # A runner's stdout and stderr are its log (start opens them so): a cut points them
        # at the new file, or a traceback would go to the file the cut replaced.
        self._stdio = [fd for fd in (1, 2) if _same_file(fd, self._file.fileno())]

    def line(self, text: str) -> None:
        """Write one line (newlines inside text become separate stamped lines)."""
        data = self._stamped(text)
        with self._lock:
            try:
                self._write(data)
            except OSError as error:
                failed = write_failed(error, self.path)
                if not isinstance(failed, DiskFull):
                    raise
                # Going on keeps the agent's output drained; the runner ends the track on it.
                self.full = self.full or failed

    def _write(self, data: bytes) -> None:
        self._file.write(data)
        # Lines others appended count too: tell() is the end after an O_APPEND write.
        if self._cap is not None and self._file.tell() > self._cap:
            self._phase_at = cut_log(self.path, self._phase_at, self._cap, self._stamped)
            self._file.close()
            self._file = open(self.path, "ab", buffering=0)  # noqa: SIM115 - the cut file
            for fd in self._stdio:
                os.dup2(self._file.fileno(), fd)

    def _stamped(self, text: str) -> bytes:
        # Milliseconds: `gitorch report` times phases from these lines.
        moment = time.time()
        stamp = (time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(moment))
                 + f".{int(moment * 1000) % 1000:03d}")
        return b"".join(f"{stamp} {self._tag} {part}\n".encode("utf-8", "replace")
                        for part in text.splitlines() or [""])

    def raw(self, data: bytes) -> None:
        """Write an agent's output line, whatever bytes it holds."""
        self.line(data.rstrip(b"\r\n").decode("utf-8", "replace").replace("\x00", "\\0"))

    def banner(self, text: str) -> None:
        """A phase's first line: what a cut keeps of this phase starts here."""
        with self._lock:
            self._phase_at = os.fstat(self._file.fileno()).st_size
        self.line(f"===== {text} =====")

    def close(self) -> None:
        self._file.close()


def _same_file(fd: int, other: int) -> bool:
    try:
        mine, theirs = os.fstat(fd), os.fstat(other)
    except OSError:
        return False
    return (mine.st_dev, mine.st_ino) == (theirs.st_dev, theirs.st_ino)


def open_track_log(project: Project, track: TrackId) -> TrackLog:
    """The track's log, kept under the project's logs.max_size."""
    return TrackLog(project.state.log(track), track, project.config.logs.max_size)


POLL = 0.2


def read_log(project: Project, name: str, lines: int, follow: bool) -> Iterator[str]:
    """The last `lines` lines of a track's log (or the gate's), then (follow) new ones."""
    path, lock = _log_of(project, name)
    log: BinaryIO = open(path, "rb")  # noqa: SIM115 - followed across cuts, which replace it
    try:
        shown = deque(log, maxlen=lines)
        yield from (line.decode("utf-8", "replace").rstrip("\n") for line in shown)
        if not follow:
            return
        pending, last = b"", shown[-1].rstrip(b"\n") if shown else b""
        while True:
            # Looked at before reading, so the runner's last lines are read after it ended.
            # The lock is held from the claim until the runner exits.
            ended = lock_is_free(lock)
            chunk = log.read()
            if chunk:
                pending += chunk
                *complete, pending = pending.split(b"\n")
                last = complete[-1] if complete else last
                yield from (line.decode("utf-8", "replace") for line in complete)
            elif _replaced(path, log):
                log, dropped = _reopen(path, log, last)
                if dropped:
                    yield "(gitorch logs: lines were dropped from the log while it was followed)"
            elif ended:
                if pending:
                    yield pending.decode("utf-8", "replace")
                return
            else:
                time.sleep(POLL)
    finally:
        log.close()


def _replaced(path: Path, log: BinaryIO) -> bool:
    """Whether path is now another file than the one log reads (a cut, or a new gate run)."""
    try:
        return os.stat(path).st_ino != os.fstat(log.fileno()).st_ino
    except FileNotFoundError:
        return False


REOPEN_TRIES = 20


def _reopen(path: Path, old: BinaryIO, last: bytes) -> tuple[BinaryIO, bool]:
    """The file now at path, at the place old's end went, and whether lines were dropped.

    last: the last line read. A file replaced without a cut note (the gate's log, written
    whole each run) is read from its start.
    """
    size = old.tell()
    old.close()
    for _ in range(REOPEN_TRIES):
        new = open(path, "rb")  # noqa: SIM115 - handed to the caller
        found = resume_offset(path, os.fstat(new.fileno()).st_ino, size)
        if found is not None:
            new.seek(found[0])
            # Cut more than once since the last look: go on after the last line read.
            return new, found[1] and _catch_up(new, last)
        if not cut_note(path).exists():
            return new, False
        new.close()  # the note names a newer file, about to take this one's place
        time.sleep(0.01)
    return open(path, "rb"), False


def _catch_up(log: BinaryIO, last: bytes) -> bool:
    """Put log just after the line last; if that was cut, after the latest cut's line."""
    log.seek(0)
    data = log.read()
    at = data.rfind(b"\n" + last + b"\n") if last else -1
    if at >= 0:
        log.seek(at + len(last) + 2)
        return False
    cut = data.rfind(b" dropped here")
    log.seek(data.find(b"\n", cut) + 1 if cut >= 0 else 0)
    return True


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
