"""The events of a track's end, of a landing, of a review and of a run's end, told as they
happen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gitorch.errors import GitorchError
from gitorch.notify.events import tell
from gitorch.project import Project, load_roadmap

if TYPE_CHECKING:
    from gitorch.land.coordinator import LandResult
    from gitorch.schedule.run_types import Summary
    from gitorch.tracks.records import TrackRecord


def tell_track_end(project: Project, record: TrackRecord, title: str) -> None:
    """A runner's end: done, failed, at a usage limit, or not logged in."""
    fields = {"track": record.track, "title": title, "state": record.state,
              "agent": record.agent, "reason": record.reason}
    if record.state == "done":
        tell(project, "track-done", f"{record.track} {title} is done; `gitorch land` lands it",
             **fields)
    elif record.state == "rate-limited":
        tell(project, "rate-limited", f"{record.track} waits: {record.reason}",
             reset_at=record.reset_at, **fields)
    elif record.state == "failed" and record.failure == "auth":
        tell(project, "needs-login", f"{record.track} needs a login: {record.reason}", **fields)
    elif record.state == "failed":
        tell(project, "track-failed", f"{record.track} {title} failed: {record.reason}",
             **fields)


def tell_needs_review(project: Project, track: str, paths: list[str]) -> None:
    """A track land left out until a person approves it (or the protected paths it changes)."""
    what = f"changes protected {', '.join(paths)}" if paths else "waits for approval"
    tell(project, "needs-review", f"{track} {what}; after a look, `gitorch approve {track}` "
                                  "lets it land", track=track, paths=paths)


def tell_landing(project: Project, result: LandResult) -> None:
    """A landing: what was left out, what landed, and the groups it finished."""
    for track, paths in result.conflict.items():
        tell(project, "conflict", f"{track} conflicts with main in {', '.join(paths)}; "
                                  f"`gitorch repair {track}` sends it back to its agent",
             track=track, paths=paths)
    for track in result.gate_failed:
        tell(project, "gate-failed", f"{track} failed the test gate; `gitorch repair "
                                     f"{track}` sends it back to its agent", track=track)
    if not result.landed:
        return
    tell(project, "landed", f"landed {', '.join(result.landed)} on {project.main_branch}"
                            + (" (pushed)" if result.pushed else ""),
         tracks=result.landed, main=result.main_new, pushed=result.pushed)
    if not any(sink.wants("group-done") for sink in project.config.notify):
        return  # reading the roadmap again is for someone who listens
    try:
        roadmap = load_roadmap(project, result.main_new).roadmap
    except GitorchError:
        return
    landed = frozenset(result.landed)
    for group in roadmap.groups:
        if roadmap.group_done(group, landed) and any(t.id in landed for t in group.tracks):
            tell(project, "group-done", f"Group {group.id} {group.title} is done",
                 group=group.id, title=group.title)


def tell_run_end(project: Project, summary: Summary) -> None:
    """A run's end, and each track it left for a person."""
    for track, why in summary.left_out.items():
        tell(project, "stuck", f"{track} needs you: {why}", track=track, reason=why)
    tell(project, "run-ended",
         f"the run ended ({summary.reason}): {len(summary.landed)} landed, "
         f"{len(summary.failed)} failed, {len(summary.conflicts)} conflicts",
         reason=summary.reason, landed=summary.landed, failed=summary.failed,
         conflicts=summary.conflicts, exit_code=summary.exit_code)
