"""What the run says of each landing (landed, in a pull request, left out), each repair's
end and each tick."""

from __future__ import annotations

from gitorch.land.coordinator import LandResult
from gitorch.land.review import NEEDS_REVIEW
from gitorch.names import TrackId
from gitorch.project import Project
from gitorch.roadmap.model import Roadmap
from gitorch.schedule.pr_ticks import round_ended
from gitorch.schedule.repairs import repairable
from gitorch.schedule.snapshot import Snapshot
from gitorch.tracks.records import IN_PR, LEFT_OUT, REPAIRING, TrackRecord


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


def repair_ended(project: Project, before: TrackRecord, record: TrackRecord) -> str | None:
    """The run's line for a repair (or pull-request round) that just ended without
    landing, if the track's record went from before to record by one."""
    if before.state not in REPAIRING:
        return None
    if record.state in LEFT_OUT:
        return f"✗ Track {record.track}: {record.reason}; " + (
            "it will be repaired again" if repairable(project, record) else "no repairs left")
    if before.state == "healing" and record.state in IN_PR - {"healing"}:
        return round_ended(record)
    return None


def tick_line(snap: Snapshot, landed: int) -> str:
    """The line each tick writes to runs.log."""
    parts = [f"running={','.join(sorted(snap.busy)) or '-'}"]
    parts += [f"{state}={','.join(snap.having(state))}"
              for state in ("done", "failed", "conflict", "gate-failed", NEEDS_REVIEW, "stale")
              if snap.having(state)]
    return f"run tick landed={landed} " + " ".join(parts)


def waits(roadmap: Roadmap, snap: Snapshot) -> dict[str, list[str]]:
    """Each track the run leaves waiting, and on what: tracks, or an agent's usage limit."""
    landed = frozenset(snap.having("landed"))
    waiting = {t.id: list(roadmap.waiting_on(t.id, landed)) for t in roadmap.tracks()
               if not t.done and t.id not in snap.records
               and roadmap.track_state(t.id, landed) == "blocked"}
    waiting.update({t: [f"the usage limit of {snap.records[t].agent}"]
                    for t in snap.having("rate-limited")})
    return waiting


def review_waits(snap: Snapshot) -> dict[str, str]:
    """Each track that waits for `gitorch approve`: what it changed, for the run's summary."""
    return {track: snap.records[track].reason or NEEDS_REVIEW
            for track in snap.having(NEEDS_REVIEW)}
