"""gitorch's own files under <git-common-dir>/gitorch, each written atomically."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gitorch.names import TrackId


@dataclass(frozen=True)
class StateDir:
    """The layout of <git-common-dir>/gitorch (DESIGN §3)."""

    root: Path

    @property
    def runs_log(self) -> Path:
        return self.root / "runs.log"

    @property
    def landing_journal(self) -> Path:
        """Written by land just before it publishes; removed when it is done."""
        return self.root / "landing.json"

    @property
    def scheduler(self) -> Path:
        """The record of the `gitorch run` scheduler: pid, host, started_at."""
        return self.root / "scheduler.json"

    @property
    def gate_log(self) -> Path:
        """The test gate's last output, read with `gitorch logs gate`."""
        return self.root / "logs" / "gate.log"

    @property
    def predicted_footprints(self) -> Path:
        """The last predicted footprints worked out, with the commit and bodies they are of."""
        return self.root / "predicted-footprints.json"

    def lockfile(self, track: TrackId) -> Path:
        return self.root / "locks" / f"{track.key}.lock"

    def log(self, track: TrackId) -> Path:
        return self.root / "logs" / f"{track.key}.log"

    def record(self, track: TrackId) -> Path:
        return self.root / "tracks" / f"{track.key}.json"

    def events(self, track: TrackId) -> Path:
        return self.root / "events" / f"{track.key}.log"

    def left_out(self, track: TrackId) -> Path:
        """Why land last left the track out: conflicting paths or the gate's output."""
        return self.root / "left-out" / f"{track.key}.json"

    def prompt_file(self, track: TrackId, phase: str) -> Path:
        return self.root / "prompts" / f"{track.key}.{phase}.md"

    def ensure(self) -> None:
        """Create the folders (idempotent)."""
        for name in ("locks", "logs", "tracks", "events", "prompts"):
            (self.root / name).mkdir(parents=True, exist_ok=True)


def write_atomic(path: Path, data: bytes, mode: int | None = None,
                 ready: Callable[[os.stat_result], None] | None = None) -> None:
    """Write data to path so that readers see the old or the new file, never a part.

    ready: told the new file's stat just before it takes path's place.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            if ready is not None:
                ready(os.fstat(out.fileno()))
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(path: Path, document: dict[str, Any]) -> None:
    write_atomic(path, (json.dumps(document, indent=2, sort_keys=True) + "\n").encode())


def read_json(path: Path) -> dict[str, Any] | None:
    """The JSON object at path, or None if it is missing or damaged."""
    try:
        document = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    return document if isinstance(document, dict) else None
