"""Discarding a track: back to pending, its worktree, branch and claim gone, its wip kept."""

from __future__ import annotations

from pathlib import Path

from gitorch import git
from gitorch.errors import GitorchError
from gitorch.git import checkouts, worktree_files
from gitorch.names import TrackId, wip_ref
from gitorch.project import Project
from gitorch.steer.messages import queue_file
from gitorch.tracks.control import end_runner
from gitorch.tracks.keep import holdings
from gitorch.tracks.records import TrackRecord, pid_alive
from gitorch.tracks.release import forget_claim
from gitorch.tracks.wip import save_wip


def discard(project: Project, track: TrackId, stop_first: bool) -> str:
    """Put the track back to pending; its work stays reachable from its wip ref."""
    record = TrackRecord.load(project, track)
    if record is None:
        raise GitorchError(f"track {track} has not been started; nothing to discard")
    if record.state == "landed":
        raise GitorchError(f"track {track} has landed; nothing to discard")
    if pid_alive(record.pid, record.host):
        if not stop_first:
            raise GitorchError(f"track {track}'s runner (PID {record.pid}) is running; "
                               f"stop it first or use gitorch discard --stop {track}")
        end_runner(record)
    worktree = Path(record.worktree)
    ref = wip_ref(track)
    if (worktree / ".git").exists():
        if save_wip(project, track, worktree) is None and worktree_files.dirty_files(worktree):
            raise GitorchError(f"could not keep the uncommitted work of {worktree} in {ref}; "
                               "nothing discarded")
        checkouts.remove_worktree(project.paths, worktree, force=True)
    tip = git.read_ref(project.paths, f"refs/heads/{record.branch}")
    if tip is not None and git.read_ref(project.paths, ref) is None:
        git.update_ref(project.paths, ref, tip, None, "gitorch: track discarded")
    holding = holdings(project, [record])[str(track)]
    branch_kept = ""
    if tip is not None and holding.beyond_wip:
        # The wip ref lacks some of the branch's commits (it was moved, or the worktree
        # was gone so no snapshot took them): the branch is their only copy.
        count = holding.beyond_wip
        branch_kept = (f"; kept branch {record.branch}: {count} commit{'s' if count > 1 else ''}"
                       f" not on {project.main_branch} nor in {ref} (look with `git log "
                       f"{ref}..{record.branch}`, remove on purpose with `git branch -D "
                       f"{record.branch}`)")
    elif tip is not None:
        git.delete_branch(project.paths, record.branch, tip)
    forget_claim(project, track)
    # Messages for the agent that was: the track starts over without them.
    for path in (project.state.left_out(track), project.state.events(track),
                 queue_file(project, track)):
        path.unlink(missing_ok=True)
    kept = holding.wip_tip
    return (f"Discarded {track}: it is pending again" +
            (f"; its work is kept at {ref} ({kept[:12]})" if kept else "") + branch_kept + ".")
