"""`gitorch logs`: a track's log, optionally followed until its runner ends."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterator
from pathlib import Path

from gitorch.claims import lock_is_free
from gitorch.errors import GitorchError
from gitorch.names import TrackId
from gitorch.project import open_project

POLL = 0.2


def logs(cwd: Path, track_text: str, lines: int, follow: bool) -> Iterator[str]:
    """The last `lines` lines of the track's log, then (follow) new ones as they come."""
    project = open_project(cwd)
    track = TrackId.parse(track_text)
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
