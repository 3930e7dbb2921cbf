"""What a track's branch and wip ref hold that main does not (DESIGN §14).

Tidying (`clean`, land's cleanup, `discard`) asks here before it deletes a ref: a commit
may go once main holds it (here or on the remote) or once land replayed it onto main (the
record's `landed_from`: replayed commits are new commits, so main does not reach the
originals). Anything else, such as a commit made in a kept worktree after landing, is kept
and named. Two git processes answer for every track at once: land's cleanup is on its hot
path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gitorch import git
from gitorch.git import history
from gitorch.names import TrackId, legacy_wip_ref, wip_ref
from gitorch.project import Project
from gitorch.tracks.records import TrackRecord


@dataclass(frozen=True)
class Holding:
    """A track's branch and wip ref, and how many commits of each nothing else keeps."""

    track: TrackId
    branch: str
    branch_tip: str | None
    wip_tip: str | None
    on_branch: int  # commits on the branch that main and the landing lack
    on_wip: int  # the same for the wip ref
    beyond_wip: int  # commits on the branch that the wip ref lacks too
    legacy_tip: str | None = None  # the wip ref of before each track had a ref folder
    on_legacy: int = 0  # commits on it that main and the landing lack

    @property
    def wip(self) -> str:
        return wip_ref(self.track)

    @property
    def legacy(self) -> str:
        return legacy_wip_ref(self.track)


def holdings(project: Project, records: Sequence[TrackRecord]) -> dict[str, Holding]:
    """Each record's holding, by track id."""
    if not records:
        return {}
    main = f"refs/heads/{project.main_branch}"
    tracks = [TrackId.parse(record.track) for record in records]
    remote = project.config.remote
    mains = [main] + ([f"refs/remotes/{remote}/{project.main_branch}"] if remote else [])
    tips = git.list_refs(project.paths, *mains, *(f"refs/heads/{r.branch}" for r in records),
                         *(wip_ref(t) for t in tracks), *(legacy_wip_ref(t) for t in tracks))
    common = [tips[ref] for ref in mains if ref in tips]
    asked: dict[str, tuple[str, Sequence[str]]] = {}
    for record, track in zip(records, tracks, strict=True):
        branch, wip = tips.get(f"refs/heads/{record.branch}"), tips.get(wip_ref(track))
        landed = [record.landed_from] if record.landed_from else []
        if branch is not None:
            asked[f"branch {track}"] = (branch, landed)
            asked[f"beyond {track}"] = (branch, [*landed, *([wip] if wip else [])])
        if wip is not None:
            asked[f"wip {track}"] = (wip, landed)
        legacy = tips.get(legacy_wip_ref(track))
        if legacy is not None:
            asked[f"legacy {track}"] = (legacy, landed)
    counts = history.commits_beyond(project.paths, asked, common)
    return {str(track): Holding(track, record.branch, tips.get(f"refs/heads/{record.branch}"),
                                tips.get(wip_ref(track)), counts.get(f"branch {track}", 0),
                                counts.get(f"wip {track}", 0), counts.get(f"beyond {track}", 0),
                                tips.get(legacy_wip_ref(track)), counts.get(f"legacy {track}", 0))
            for record, track in zip(records, tracks, strict=True)}
