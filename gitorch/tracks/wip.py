"""The wip ref of a track: its latest commit, or a snapshot of its uncommitted work on top.

`refs/gitorch/track/<group>/<n>/wip` is never a branch anyone works on, so it keeps a track's work
reachable whatever happens to the branch and the worktree (DESIGN §12).
"""

from __future__ import annotations

import threading
from pathlib import Path

from gitorch import git
from gitorch.disk import is_full
from gitorch.git import rebase
from gitorch.names import TrackId, wip_ref
from gitorch.process import ProcessError
from gitorch.project import Project

WIP_EVERY = 60.0  # seconds between snapshots of a running track's worktree


def save_wip(project: Project, track: TrackId, worktree: Path, *, ended: bool = False
             ) -> str | None:
    """Point the track's wip ref at its worktree as it is now; the commit, or None.

    ended: its agent is gone, having mostly committed all it did.
    """
    try:
        commit = rebase.snapshot(worktree, f"gitorch wip snapshot of {track}",
                                 expect_clean=ended)
        return None if commit is None else point_wip(project, track, commit)
    except (ProcessError, OSError) as error:
        # A worktree mid-change (a lock held by its agent): the next one will do. A full
        # disk: the files stay in the worktree all the same.
        if isinstance(error, OSError) and not is_full(error):
            raise
        return None


def point_wip(project: Project, track: TrackId, commit: str) -> str | None:
    """Point the track's wip ref at commit (a track commit or a snapshot); None if raced."""
    ref = wip_ref(track)
    for _ in range(3):
        current = git.read_ref(project.paths, ref)
        if current == commit:
            return commit
        try:
            git.update_ref(project.paths, ref, commit, current, "gitorch: wip snapshot")
            return commit
        except git.RefMoved:
            continue  # the post-commit hook mirrored a commit meanwhile
        except git.RefLocked:
            return None  # a stale lock, which status names: the next snapshot will do
    return None


def keep_snapshots(project: Project, track: TrackId, worktree: Path,
                   ended: threading.Event) -> None:
    """Snapshot the worktree to the wip ref every WIP_EVERY seconds until ended is set."""

    def beat() -> None:
        while not ended.wait(WIP_EVERY):
            if (worktree / ".git").exists():
                save_wip(project, track, worktree)

    threading.Thread(target=beat, daemon=True).start()
