"""A track's log: every line stamped with the time and `[Track N]`, banners between phases."""

from __future__ import annotations

import time
from pathlib import Path
from typing import BinaryIO

MAX_LINE = 64 * 1024  # longer agent lines are split, so one line never holds the log hostage


class TrackLog:
    """Appends stamped lines to a track's log file."""

    def __init__(self, path: Path, number: int) -> None:
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
