"""What the run says of each landing (landed, in a pull request, left out) and each tick."""

from __future__ import annotations

from gitorch.land.coordinator import LandResult
from gitorch.land.review import NEEDS_REVIEW
from gitorch.names import TrackId
from gitorch.project import Project
from gitorch.schedule.repairs import repairable
from gitorch.schedule.snapshot import Snapshot
from gitorch.tracks.records import TrackRecord


def landing_news(project: Project, result: LandResult) -> list[str]:
    """The run's lines for one landing."""
    lines = []
    if result.landed:
        where = "pushed" if result.pushed else "not pushed"
        moved = (f"main {result.main_old[:7]} -> {result.main_new[:7]} ({where})"
                 if result.main_old != result.main_new else "their pull request merged")
        lines.append(f"Landed {', '.join(result.landed)}: {moved}")
    for request in result.pull_requests:
        lines.append(f"↑ {', '.join(request['tracks'])} in pull request "
                     f"{request['url'] or request['branch']}; they land once it is merged")
    for track, paths in result.conflict.items():
        lines.append(f"✗ {track} conflicts with main in {', '.join(paths)}; "
                     f"{_then(project, track)}")
    lines += [f"✗ {track} changes protected {', '.join(paths)}; it waits for "
              f"gitorch approve {track}" for track, paths in result.needs_review.items()]
    lines += [f"✗ {track} failed the test gate; {_then(project, track)}"
              for track in result.gate_failed]
    lines += [f"warning: {warning}" for warning in result.warnings]
    return lines + [f"note: {note}" for note in result.notes]


def _then(project: Project, track: str) -> str:
    """What happens next to a track land just left out."""
    record = TrackRecord.load(project, TrackId.parse(track))
    if record is not None and repairable(project, record):
        return "it goes back to its agent"
    return "left for a person"


def tick_line(snap: Snapshot, landed: int) -> str:
    """The line each tick writes to runs.log."""
    parts = [f"running={','.join(sorted(snap.busy)) or '-'}"]
    parts += [f"{state}={','.join(snap.having(state))}"
              for state in ("done", "failed", "conflict", "gate-failed", NEEDS_REVIEW, "stale")
              if snap.having(state)]
    return f"run tick landed={landed} " + " ".join(parts)


def review_waits(snap: Snapshot) -> dict[str, str]:
    """Each track that waits for `gitorch approve`: what it changed, for the run's summary."""
    return {track: snap.records[track].reason or NEEDS_REVIEW
            for track in snap.having(NEEDS_REVIEW)}
