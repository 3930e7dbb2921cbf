"""`gitorch repair`: send a left-out track back to its agent (resolve or fix phase)."""

from __future__ import annotations

from pathlib import Path

from gitorch.names import TrackId
from gitorch.project import open_project
from gitorch.tracks.records import TrackRecord
from gitorch.tracks.repair_start import start_repair


def repair(cwd: Path, track_text: str, wait: bool) -> tuple[list[str], int]:
    """Launch the repair (and with wait, see it end); lines to print and the exit code."""
    project = open_project(cwd)
    track = TrackId.parse(track_text)
    started = start_repair(project, track)
    attempts = project.config.land.repair_attempts
    lines = [f"{started.state.capitalize()} {track} (repair {started.attempt} of {attempts}), "
             f"pid {started.process.pid}; log: gitorch logs {track}"]
    if not wait:
        return lines, 0
    code = started.process.wait()
    record = TrackRecord.load(project, track)
    state = record.state if record else "unknown"
    lines.append(f"{track} is {state}" + (f" ({record.reason})" if record and record.reason
                                          else "")
                 + (f"; it lands at the next land: gitorch land {track}" if code == 0 else ""))
    return lines, 0 if code == 0 else 1
