"""gitorch's own files under <git-common-dir>/gitorch, each written atomically."""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gitorch.disk import write_failed
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

    @property
    def parsed_roadmap(self) -> Path:
        """The last roadmap parsed, with the text, vocabulary and reader it is of."""
        return self.root / "parsed-roadmap.json"

    @property
    def serve_token(self) -> Path:
        """The token of the running `gitorch serve`, readable by its owner only."""
        return self.root / "serve.token"

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

    def agent_history(self, track: TrackId) -> Path:
        """The folder for an agent's own history of the track (aider's chat), kept here
        rather than in the worktree, where `git add -A` would commit it."""
        return self.root / "agents" / track.key

    def ensure(self) -> None:
        """Create the folders (idempotent)."""
        for name in ("locks", "logs", "tracks", "events", "prompts"):
            (self.root / name).mkdir(parents=True, exist_ok=True)


def append_stamped_line(path: Path, text: str) -> None:
    """One line, stamped with the local time to the millisecond, appended to path.

    O_APPEND keeps concurrent lines whole; the milliseconds let `gitorch report` draw
    tracks that take a second or less.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    moment = time.time()
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(moment))
    zone = time.strftime("%z", time.localtime(moment))
    line = f"{stamp}.{int(moment * 1000) % 1000:03d}{zone} {text}\n".encode()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)
    except OSError as error:
        raise write_failed(error, path) from error


def write_atomic(path: Path, data: bytes, mode: int | None = None,
                 ready: Callable[[os.stat_result], None] | None = None) -> None:
    """Write data to path so that readers see the old or the new file, never a part.

    ready: told the new file's stat just before it takes path's place. A full disk raises
    DiskFull, naming path.
    """
    import tempfile  # with random and shutil: only for commands that write

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise write_failed(error, path) from error
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            if ready is not None:
                ready(os.fstat(out.fileno()))
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as error:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise write_failed(error, path) from error
        raise


def write_json(path: Path, document: dict[str, Any]) -> None:
    write_atomic(path, json_bytes(document))


def json_bytes(document: dict[str, Any]) -> bytes:
    """document as gitorch writes its JSON files: indented, keys sorted."""
    return (json.dumps(document, indent=2, sort_keys=True) + "\n").encode()


# Numbers read back from these files are checked against these bounds: a file edited by
# hand or by a hostile agent may hold anything JSON can, and a pid of 10**30 overflows
# kill(), one below 2 signals a whole process group (or every process), a huge count an
# exponential back-off. Out of range, the file (or the line) is damaged.
COMMIT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")  # SHA-1 or SHA-256, as git prints it
PID_MAX = 2**22  # the highest pid_max Linux allows; other systems stay far below it
COUNT_MAX = 10**9  # attempts, repairs, slots
SLOTS_MAX = 1024  # agents at once: more than any machine runs, few enough to draw
TIME_MAX = 253402300799.0  # 9999-12-31T23:59:59Z: past it, datetime cannot count


def whole(value: object, low: int, high: int) -> int | None:
    """value if it is an integer (a bool is not) from low to high, else None (damaged)."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return None
    return value


def whole_text(text: str | None, low: int, high: int) -> int | None:
    """The integer text spells (digits, a leading minus), if from low to high; else None."""
    if text is None or not re.fullmatch(r"-?[0-9]{1,19}", text):
        return None  # int() refuses 4300 digits and more with an error of its own
    return whole(int(text), low, high)


def read_pid(value: object) -> int | None:
    """A process id read from a file, or None if it is no pid a process can have."""
    return whole(value, 2, PID_MAX)


def read_json(path: Path) -> dict[str, Any] | None:
    """The JSON object at path, or None if it is missing or damaged."""
    try:
        return json_object(path.read_bytes())
    except OSError:
        return None


def json_object(data: bytes) -> dict[str, Any] | None:
    """The JSON object data holds, or None if it is damaged or not an object."""
    try:
        document = json.loads(data)
    except ValueError:
        return None
    return document if isinstance(document, dict) else None
