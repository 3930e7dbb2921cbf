"""`gitorch start`: claim up to N ready tracks and launch one detached runner per track."""

from __future__ import annotations

from pathlib import Path

from gitorch.output import safe_text
from gitorch.project import open_project
from gitorch.sandbox.probe import fallback_notice
from gitorch.tracks.launch import StartResult, wait_for
from gitorch.tracks.launch import start as start_tracks


def start(cwd: Path, *, parallel: int | None, group: str | None, track_ids: list[str],
          dry_run: bool) -> StartResult:
    """Claim and launch in the repository around cwd; parallel overrides max_parallel."""
    overrides: dict[str, object] = {} if parallel is None else {"max_parallel": parallel}
    project = open_project(cwd, overrides)
    result = start_tracks(project, group=group, track_ids=track_ids, dry_run=dry_run)
    if result.launched:
        said = [result.notice, fallback_notice(project.config.sandbox.mode)]
        result.notice = "; ".join(line for line in said if line) or None
    return result


def render_start(result: StartResult) -> list[str]:
    """What start saw and did, for a person."""
    lines = []
    if result.group is not None:
        lines.append(f"Current group: {result.group.id}: {safe_text(result.group.title)}")
    ready = [t.id for t in result.available]
    # Stale tracks are not ready ones, but start resumes them: say so before it does.
    resumed = [r.track.id for r in result.launched if r.resumed and r.track.id not in ready]
    said = ", ".join(ready) or ("none new" if resumed else "none")
    if resumed:
        said += "; resuming " + ", ".join(resumed)
    lines.append("Available tracks: " + said)
    for track in result.would_start:
        lines.append(f"Would start Group {track.group}, Track {track.number}: "
                     f"{safe_text(track.title)}")
    for run in result.launched:
        verb = "Resuming" if run.resumed else "Starting on"
        lines.append(f"{verb} Group {run.track.group}, Track {run.track.number}: "
                     f"{safe_text(run.track.title)}")
        lines.append(f"  log: {run.log}")
        lines.append(f"  runner PID: {run.pid}")
    for track_id, why in result.skipped:
        lines.append(f"Skipped {track_id}: {why}")
    if not result.launched and not result.would_start:
        lines.append("Nothing to start.")
    return lines


def report_ended(result: StartResult) -> tuple[list[str], int]:
    """Wait for the launched runners; a line per track, and how many did not end done."""
    assert result.project is not None, "a start that launched knows its project"
    lines, failed = [], 0
    for run, record in wait_for(result.launched, result.project):
        if record.state == "done":
            lines.append(f"✓ [{run.track.id}] completed successfully")
        else:
            failed += 1
            lines.append(f"✗ [{run.track.id}] {record.state} ({record.reason})")
    return lines, failed
