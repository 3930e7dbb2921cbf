"""What land trusts of a track: the tip its runner recorded, not its branch now (DESIGN §14).

The runner records the tip its branch had when each phase ended, and a repair the tip it
ended on. Land lands that tip. A branch moved since is a candidate only through DESIGN
§12's paths (a left-out track a person fixed, a `Gitorch-Done: true` commit made in its
worktree); a tip whose commits other tracks recorded as theirs, and that the track's own
commit events do not name, was not made on this track. Records written before tips were
recorded have none: their branch is taken as it is, as it was then.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gitorch import git
from gitorch.git import history
from gitorch.names import TrackId
from gitorch.project import Project
from gitorch.tracks.events import read_events

if TYPE_CHECKING:
    from gitorch.tracks.records import TrackRecord


def moved_since_recorded(record: TrackRecord, branch_tip: str | None) -> str | None:
    """Why land refuses a track whose branch moved since its tip was recorded (None: it did
    not, or no tip was recorded)."""
    if record.tip is None or branch_tip == record.tip:
        return None
    now = f"now at {branch_tip[:12]}" if branch_tip else "now gone"
    return (f"branch {record.branch} moved since its runner ended on {record.tip[:12]} "
            f"({now}); put it back there, or commit `Gitorch-Done: true` in {record.worktree}")


def made_elsewhere(project: Project, record: TrackRecord, base: str, tip: str,
                   records: Iterable[TrackRecord], beyond: Mapping[str, int] | None = None
                   ) -> str | None:
    """Why land refuses base..tip when its commits are all other tracks' (None: some are
    this track's own). records: every track's record; beyond: counts_beyond_others()'s
    answer, if the caller asked it for every track at once."""
    others = _others(record, records)
    tips = [r.tip for r in others if r.tip is not None]
    if not tips:
        return None
    counted = beyond.get(record.track) if beyond is not None else None
    if counted is None:
        counted = git.count_commits_beyond(project.paths, tip, [base, *tips])
    if counted:
        return None
    # Every commit is also another track's: the commit events say who made them, if the
    # hook recorded any (two tracks at one tip, one of them moved there by the other).
    made_here = {event.commit for event in read_events(project.state,
                                                        TrackId.parse(record.track))}
    from gitorch.git import objects  # pack and hashlib: rarely asked, so imported then

    if made_here & set(objects.rev_list(project.paths.main_worktree, [f"{base}..{tip}"])):
        return None
    owners = [r for r in others if r.tip is not None
              and git.is_ancestor(project.paths, tip, r.tip)]
    whose = (f"{owners[0].track}'s (branch {owners[0].branch})" if len(owners) == 1
             else f"other tracks' ({', '.join(r.track for r in owners or others)})")
    return f"its commits are all {whose}: none was made on this track"


def counts_beyond_others(project: Project, records: Sequence[TrackRecord]) -> dict[str, int]:
    """For every done track with a recorded base and tip, the count made_elsewhere asks
    for: commits of base..tip that no other unlanded track's tip reaches. One `git
    rev-list` per distinct base (tracks started together share one), not one per track.
    """
    asked: dict[str, dict[str, tuple[str, Sequence[str]]]] = {}
    for record in records:
        if record.state == "done" and record.tip is not None and record.base is not None:
            covers = [r.tip for r in _others(record, records) if r.tip is not None]
            asked.setdefault(record.base, {})[record.track] = (record.tip, covers)
    counts: dict[str, int] = {}
    for base, tips in asked.items():
        # Beyond the base is exactly what the base does not reach: the same count.
        counts.update(history.commits_beyond(project.paths, tips, [base]))
    return counts


@dataclass(frozen=True)
class Known:
    """What observing many tracks reads once for all of them, not once a track."""

    branches: Mapping[str, str]  # every branch's tip, as git.list_refs(refs/heads/) gives
    records: list[TrackRecord]  # every track's record
    beyond: Mapping[str, int]  # counts_beyond_others() of those records


def _others(record: TrackRecord, records: Iterable[TrackRecord]) -> list[TrackRecord]:
    """The other tracks' records whose tips are not landed yet."""
    return [r for r in records if r.track != record.track and r.tip is not None
            and r.state != "landed"]

