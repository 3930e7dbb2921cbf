"""`gitorch logs`: a track's log, optionally followed until its runner ends."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from gitorch.project import open_project
from gitorch.tracks.log import read_log


def logs(cwd: Path, track_text: str, lines: int, follow: bool) -> Iterator[str]:
    """The last `lines` lines of the track's log, then (follow) new ones as they come."""
    return read_log(open_project(cwd), track_text, lines, follow)
