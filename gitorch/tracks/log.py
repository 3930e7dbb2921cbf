"""A track's log: stamped lines and phase banners written, then read back or followed."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from gitorch.errors import GitorchError
from gitorch.names import TrackId
from gitorch.project import Project
from gitorch.tracks.claims import lock_is_free

MAX_LINE = 64 * 1024  # longer agent lines are split, so one line never holds the log hostage


class TrackLog:
    """Appends stamped lines to a track's log file."""

    def __init__(self, path: Path, number: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file: BinaryIO = open(path, "ab")  # noqa: SIM115 - open for the runner's life
        self._tag = f"[Track {number}]"

    def line(self, text: str) -> None:
        """Write one line (newlines inside text become separate stamped lines)."""
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        for part in text.splitlines() or [""]:
            self._file.write(f"{stamp} {self._tag} {part}\n".encode("utf-8", "replace"))
        self._file.flush()

    def raw(self, data: bytes) -> None:
        """Write an agent's output line, whatever bytes it holds."""
        self.line(data.rstrip(b"\r\n").decode("utf-8", "replace").replace("\x00", "\\0"))

    def banner(self, text: str) -> None:
        self.line(f"===== {text} =====")

    def close(self) -> None:
        self._file.close()


POLL = 0.2


def read_log(project: Project, track: TrackId, lines: int, follow: bool) -> Iterator[str]:
    """The last `lines` lines of the track's log, then (follow) new ones as they come."""
    path = project.state.log(track)
    if not path.exists():
        raise GitorchError(f"track {track} has no log yet ({path}); start it with "
                           f"gitorch start -t {track}")
    with open(path, "rb") as log:
        yield from (line.decode("utf-8", "replace").rstrip("\n")
                    for line in deque(log, maxlen=lines))
        if not follow:
            return
        pending = b""
        while True:
            # Looked at before reading, so the runner's last lines are read after it ended.
            # The lock is held from the claim until the runner exits.
            ended = lock_is_free(project.state.lockfile(track))
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
