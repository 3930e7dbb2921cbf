"""Tidying up: stale claims dropped, landed tracks' worktrees, branches and wip refs removed."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from gitorch import git
from gitorch.errors import GitorchError
from gitorch.git import checkouts, worktree_files
from gitorch.names import TrackId
from gitorch.output import safe_text
from gitorch.project import Project
from gitorch.tracks.claims import repository_lock
from gitorch.tracks.keep import Holding, holdings
from gitorch.tracks.records import TrackRecord, claims, lock_free
from gitorch.tracks.release import forget_claim


def clean(project: Project, force: bool) -> list[str]:
    """Tidy up; never removes unlanded commits, nor uncommitted work unless force."""
    said = []
    with repository_lock(project.state.root, "worktrees"):
        checkouts.prune_worktrees(project.paths)
    records = TrackRecord.all(project)
    landed = remove_landed(project, [r for r in records if r.state == "landed"], force)
    said += landed.removed + landed.kept
    for record in records:
        track = TrackId.parse(record.track)
        if record.state in ("claimed", "running") and _unheld(project, track):
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


@dataclass
class Tidied:
    """What tidying landed tracks removed, and what it kept and why (one line each)."""

    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def remove_landed(project: Project, records: list[TrackRecord], force: bool) -> Tidied:
    """Remove landed tracks' worktrees, branches and wip refs, keeping what main lacks.

    force: remove worktrees with uncommitted changes, and branches whose unlanded commits
    the wip ref keeps (made at the branch tip if there is none). A wip ref that holds
    unlanded commits always stays: it is the last copy, and gitorch never looks at it
    again, so only a person should drop it. The refs go in one transaction.
    """
    tidied = Tidied()
    held = holdings(project, records)
    # Every worktree's scan runs at once; each is read when its track's turn comes.
    scans = {r.track: worktree_files.worktree_changes_started(Path(r.worktree))
             for r in records if (Path(r.worktree) / ".git").exists()}
    deletions: list[tuple[str, str, str]] = []
    for record in records:
        scan = scans.get(record.track)
        deletions += _remove_one(project, record, held[record.track],
                                 bool(scan()) if scan else None, force, tidied)
    try:
        git.update_refs(project.paths, [(ref, None, tip) for ref, tip, _ in deletions],
                        "gitorch: the tracks landed")
        tidied.removed += [said for _, _, said in deletions]
    except git.RefMoved:  # one moved meanwhile (a late commit): the others still go
        for ref, tip, said in deletions:
            try:
                git.update_ref(project.paths, ref, None, tip, "gitorch: the track landed")
                tidied.removed.append(said)
            except git.RefMoved:
                tidied.kept.append(f"Kept {ref}: it moved while being removed; run "
                                   "gitorch clean to look again")
    return tidied


def _remove_one(project: Project, record: TrackRecord, holding: Holding, dirty: bool | None,
                force: bool, tidied: Tidied) -> list[tuple[str, str, str]]:
    """Remove the worktree if nothing is lost; the refs to delete (ref, tip, what to say)."""
    worktree = Path(record.worktree)
    if dirty and not force:
        tidied.kept.append(f"Kept {worktree} of landed {record.track}: it has uncommitted "
                           f"changes; look with `git -C {worktree} status`, remove on purpose "
                           "with `gitorch clean --force`")
        return []
    wip_tip = holding.wip_tip
    if force and holding.on_branch and wip_tip is None and holding.branch_tip is not None:
        git.update_ref(project.paths, holding.wip, holding.branch_tip, None,
                       "gitorch clean --force: keep the unlanded commits")
        wip_tip = holding.branch_tip
    kept_by_wip = wip_tip is not None and (holding.beyond_wip == 0
                                           or wip_tip == holding.branch_tip)
    if holding.on_branch and not (force and kept_by_wip):
        tidied.kept.append(_kept_line(project, holding, worktree if dirty is not None else None,
                                      True, kept_by_wip or wip_tip is None))
        return []
    if dirty is not None:
        checkouts.remove_worktree(project.paths, worktree, force=True)
        tidied.removed.append(f"Removed worktree {worktree}")
    deletions = []
    if holding.branch_tip is not None:
        deletions.append((f"refs/heads/{record.branch}", holding.branch_tip,
                          f"Deleted branch {record.branch} (landed)"))
    if holding.on_wip or wip_tip != holding.wip_tip:
        tidied.kept.append(_kept_line(project, holding, None, False))
    elif wip_tip is not None:
        deletions.append((holding.wip, wip_tip, f"Deleted {holding.wip} (landed)"))
    # A wip ref named before each track had a ref folder of its own: judged alike.
    if holding.on_legacy:
        tidied.kept.append(_kept_line(project, holding, None, False, legacy=True))
    elif holding.legacy_tip is not None:
        deletions.append((holding.legacy, holding.legacy_tip,
                          f"Deleted {holding.legacy} (landed)"))
    return deletions


def _kept_line(project: Project, holding: Holding, worktree: Path | None,
               branch_kept: bool, force_helps: bool = False, legacy: bool = False) -> str:
    """One line: what is kept, how many commits main lacks, how to look, how to remove."""
    main = project.main_branch
    if branch_kept:
        kept = [f"branch {holding.branch}"] + ([f"worktree {worktree}"] if worktree else [])
        count, look = holding.on_branch, f"refs/heads/{holding.branch}"
        remove = (f"gitorch clean --force (its wip ref {holding.wip} keeps them)" if force_helps
                  else (f"git worktree remove {worktree} && " if worktree else "")
                  + f"git branch -D {holding.branch}")
    else:
        ref = holding.legacy if legacy else holding.wip
        kept, look = [ref], ref
        count = holding.on_legacy if legacy else max(holding.on_wip, holding.on_branch)
        remove = f"git update-ref -d {ref}"
    return (f"Kept {' and '.join(kept)} of landed {holding.track}: {count} commit"
            f"{'' if count == 1 else 's'} not on {main}; look with `git log {main}..{look}`, "
            f"remove on purpose with `{remove}`")
