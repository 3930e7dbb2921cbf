"""Work an agent put beside its track's branch, where land would never find it.

An agent told to stay on its branch may still run `git checkout -b mine` and commit there,
or commit on a detached HEAD. After each phase the runner looks at the worktree's HEAD and
at the branches it was switched to during the phase (the worktree's own reflog): commits
there that neither the track's branch nor main hold fail the track with a line saying
where they are. gitorch moves no branch and no HEAD itself: which of those commits belong
to the track is a person's call, and left where they are they are never lost.
"""

from __future__ import annotations

from pathlib import Path

from gitorch import git
from gitorch.git import heads
from gitorch.output import plural
from gitorch.project import Project
from gitorch.tracks.records import TrackRecord


def reflog_mark(record: TrackRecord) -> int:
    """Where the worktree's HEAD reflog stands, before a phase."""
    return heads.reflog_size(Path(record.worktree))


def stray_work(project: Project, record: TrackRecord, mark: int) -> str | None:
    """One line on the agent's commits that are off the track's branch (None: all on it).

    mark: reflog_mark() from before the phase.
    """
    worktree, branch = Path(record.worktree), record.branch
    on = heads.head_branch(worktree)
    head = heads.head_commit(worktree) if on != branch else None  # needed only off it
    moves = heads.head_moves(worktree, mark)
    # The branches the agent switched to here, and HEAD if it is still off the branch; of
    # their commits, those made here (not another's, checked out to look at). Commits on
    # no branch that HEAD has left (amended or rebased away) are not work.
    visited = {name for name in moves.checkouts
               if name != branch and git.branch_exists(project.paths, name)}
    seen = [f"refs/heads/{name}" for name in sorted(visited)]
    if on != branch and head is not None:
        seen.append(head)
    held = [f"refs/heads/{branch}", f"refs/heads/{project.main_branch}",
            *([record.base] if record.base else [])]
    stray = [commit for commit in heads.commits_not_on(worktree, seen, held)
             if commit in moves.made]
    if on == branch and not stray:
        return None
    then = f"then gitorch start -t {record.track}"
    back = f"git -C {worktree} checkout {branch}"
    if not stray:
        where = f"branch {on}" if on else f"a detached HEAD at {(head or '')[:12]}"
        return f"the agent left its worktree on {where}, not {branch}; `{back}`, {then}"
    holders = heads.branches_containing(worktree, stray[0])
    name = on if on and on != branch else next(
        (each for each in holders if each in visited), holders[0] if holders else None)
    where = f"branch {name}" if name else "a detached HEAD"
    said = f"the agent committed on {where} ({plural(len(stray), 'commit')}), not {branch}"
    if on == branch:
        return f"{said}; merge them (`git -C {worktree} merge {name or stray[0][:12]}`), {then}"
    merge = f"`{back} && git -C {worktree} merge {name or stray[0][:12]}`"
    # Commits on a detached HEAD that no branch holds would be left to the reflog alone.
    leave = f" or leave them on {name} (`{back}`)" if name else ""
    return f"{said}; merge them ({merge}){leave}, {then}"
