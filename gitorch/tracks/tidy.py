"""Tidying up: stale claims dropped, landed tracks' worktrees, branches and wip refs removed."""

from __future__ import annotations

from pathlib import Path

from gitorch import git
from gitorch.errors import GitorchError
from gitorch.git import worktree_files
from gitorch.names import TrackId
from gitorch.output import safe_text
from gitorch.project import Project
from gitorch.tracks.claims import repository_lock
from gitorch.tracks.records import TrackRecord, claims, lock_free
from gitorch.tracks.release import forget_claim
from gitorch.tracks.wip import drop_wip


def clean(project: Project, force: bool) -> list[str]:
    """Tidy up; never removes uncommitted work or unlanded commits unless force."""
    said = []
    with repository_lock(project.state.root, "worktrees"):
        git.prune_worktrees(project.paths)
    for record in TrackRecord.all(project):
        track = TrackId.parse(record.track)
        if record.state == "landed":
            said += _remove_landed(project, record, force)
        elif record.state in ("claimed", "running") and _unheld(project, track):
            said.append(forget_claim(project, track) + " (stale)")
    for track_text in claims(project):
        try:
            track = TrackId.parse(track_text)
        except GitorchError:
            # Not a ref gitorch makes: whatever it holds is someone's to look at.
            said.append(f"Left refs/gitorch/claims/{safe_text(track_text)} alone: it is not "
                        "a track's claim")
            continue
        if TrackRecord.load(project, track) is None and _unheld(project, track):
            said.append(forget_claim(project, track) + " (claim without a record)")
    return said or ["Nothing to clean."]


def _unheld(project: Project, track: TrackId) -> bool:
    return lock_free(project, track)


def _remove_landed(project: Project, record: TrackRecord, force: bool) -> list[str]:
    said = []
    worktree = Path(record.worktree)
    if (worktree / ".git").exists():
        if worktree_files.worktree_changes(worktree) and not force:
            return [f"Kept {worktree}: it has uncommitted changes (use --force to remove)"]
        git.remove_worktree(project.paths, worktree, force=True)
        said.append(f"Removed worktree {worktree}")
    if git.branch_exists(project.paths, record.branch):
        git.delete_branch(project.paths, record.branch)
        said.append(f"Deleted branch {record.branch} (landed)")
    # Only a landed track's wip ref goes: any other may hold the only copy of its work.
    track = TrackId.parse(record.track)
    said += [f"Deleted {ref} (landed)" for ref in drop_wip(project, track)]
    return said
