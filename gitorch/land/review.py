"""Protected paths: a track that changes one waits for a person (DESIGN §14).

Config an agent wrote (gitorch.yaml, CI workflows, .gitattributes filters) would run by
itself once landed; such a track is left out as `needs-review`, with the paths named,
until `gitorch approve` records the tip a person looked at. With `land.approve: true`
every done track waits so, protected paths or not.
"""

from __future__ import annotations

from collections.abc import Sequence
from fnmatch import fnmatchcase
from pathlib import PurePosixPath

from gitorch import git
from gitorch.errors import GitorchError
from gitorch.git import history
from gitorch.land.stack import Candidate
from gitorch.names import TrackId
from gitorch.notify.tellers import tell_needs_review
from gitorch.project import Project
from gitorch.tracks.records import TrackRecord

NEEDS_REVIEW = "needs-review"
APPROVAL = "waits for a person's approval (land.approve)"


def protected(patterns: Sequence[str], paths: Sequence[str]) -> list[str]:
    """The paths a pattern names: `dir/` a folder, a bare name at any depth, else a glob."""
    def hit(path: str) -> bool:
        for pattern in patterns:
            if pattern.endswith("/"):
                if path.startswith(pattern) or f"/{pattern}" in f"/{path}":
                    return True
            elif "/" not in pattern:
                if fnmatchcase(PurePosixPath(path).name, pattern):
                    return True
            elif fnmatchcase(path, pattern):
                return True
        return False

    return [path for path in paths if hit(path)]


def hold_for_review(project: Project, candidates: Sequence[Candidate], *, record: bool
                    ) -> tuple[list[Candidate], dict[str, list[str]]]:
    """The candidates that may land, and those that change protected paths unapproved.

    record: mark those left out `needs-review` in their records (not in a dry run).
    """
    patterns, every = project.config.land.protected, project.config.land.approve
    kept: list[Candidate] = []
    held: dict[str, list[str]] = {}
    changes = history.changed_files_of(project.paths, [(c.base, c.commits[-1])
                                                       for c in candidates])
    for candidate, changed in zip(candidates, changes, strict=True):
        tip = candidate.commits[-1]
        hits = protected(patterns, changed)
        if (not hits and not every) or candidate.record.approved_tip == tip:
            kept.append(candidate)
            continue
        held[candidate.track.id] = hits
        if record:
            what = f"changes protected {', '.join(hits)}" if hits else APPROVAL
            candidate.record.state = NEEDS_REVIEW
            candidate.record.reason = f"{what}; after a look: gitorch approve {candidate.track.id}"
            candidate.record.save(project)
            tell_needs_review(project, candidate.track.id, hits)
    return kept, held


def approve(project: Project, track: TrackId) -> str:
    """Let a needs-review track land as its branch is now; it is done again.

    With land.approve a done track may be approved before land holds it.
    """
    record = TrackRecord.load(project, track)
    waiting = (NEEDS_REVIEW, "done") if project.config.land.approve else (NEEDS_REVIEW,)
    if record is None or record.state not in waiting:
        state = record.state if record else "not started"
        raise GitorchError(f"track {track} does not wait for review ({state}); "
                           "gitorch status shows the tracks that do")
    tip = git.read_ref(project.paths, f"refs/heads/{record.branch}")
    if tip is None:
        raise GitorchError(f"track {track}'s branch {record.branch} is gone; nothing to approve")
    record.approved_tip, record.state, record.reason = tip, "done", None
    record.save(project)
    later = ("a later commit" if project.config.land.approve
             else "a later commit that changes a protected path")
    return (f"Approved {track} at {tip[:12]}: it lands at the next gitorch land ({later} "
            "waits again)")
