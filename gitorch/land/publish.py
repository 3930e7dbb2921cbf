"""Landing, step by step: sync main, replay the done tracks, gate, publish once, tidy up.

Crash safety: nothing visible changes before the push; a journal written just before it
lets the next land finish (or drop) a landing that was killed half-way.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gitorch import git
from gitorch.errors import GitorchError
from gitorch.git import checkouts, worktree_files
from gitorch.names import TrackId, claim_ref
from gitorch.project import Project
from gitorch.state import COMMIT_ID, read_json, write_json
from gitorch.tracks.claims import drop_claim
from gitorch.tracks.log import open_track_log
from gitorch.tracks.records import TrackRecord, now
from gitorch.tracks.tidy import remove_landed
from gitorch.upstream import MainSync, catch_up_command


def failpoint(name: str) -> None:
    """Pause at this step when GITORCH_FAILPOINT names it, for crash and race tests.

    The pause writes GITORCH_FAILPOINT_FILE and lasts until that file is deleted, so a test
    can kill land there, or change the world and let it go on.
    """
    if os.environ.get("GITORCH_FAILPOINT") != name:
        return
    marker = Path(os.environ["GITORCH_FAILPOINT_FILE"])
    marker.write_text(f"{os.getpid()}\n")
    while marker.exists():
        time.sleep(0.02)


def main_checkout(project: Project) -> Path | None:
    """The worktree that has main checked out, if any."""
    for worktree in checkouts.worktrees(project.paths):
        if worktree.branch == project.main_branch:
            return worktree.path
    return None


class MainWorktree:
    """The worktree with main checked out, if any, and its uncommitted changes.

    The scan starts when this is made, so a landing makes it before the replay and the two
    overlap; a landing that waited long (the gate) makes a fresh one.
    """

    def __init__(self, project: Project) -> None:
        self.project = project
        self.path = main_checkout(project)
        self._dirty = (worktree_files.dirty_files_started(self.path)
                       if self.path is not None else None)

    def check(self, old: str, new: str) -> Path | None:
        """The worktree; refuse if moving main from old to new would overwrite its changes."""
        if self.path is None or self._dirty is None:
            return None
        changed = set(git.changed_files(self.project.paths, old, new))
        clash = sorted(path for path in self._dirty() if path in changed)
        if clash:
            raise GitorchError(f"landing would overwrite uncommitted changes in {self.path}: "
                               f"{', '.join(clash[:5])}; commit or stash them (nothing landed)")
        return self.path


def advance_main(project: Project, old: str, new: str, worktree: Path | None
                 ) -> Callable[[], None]:
    """Move main from old to new (only if still at old), and begin bringing its worktree
    along; call the result to wait for that checkout (it raises if git failed).
    """
    if old == new:
        return _nothing
    git.update_ref(project.paths, f"refs/heads/{project.main_branch}", new, old,
                   "gitorch land: fast-forward to the landed tracks")
    failpoint("worktree")
    if worktree is None:
        return _nothing
    return worktree_files.fast_forward_worktree(worktree, old, new)


def _nothing() -> None:
    pass


def main_moved_after_publishing(project: Project, remote: str, new: str) -> str | None:
    """What to do when main moved after new went to the remote (None: main holds new)."""
    branch = project.main_branch
    now = git.resolve(project.paths, branch)
    if now is None or git.is_ancestor(project.paths, new, now):
        return None
    diverged = not git.is_ancestor(project.paths, now, new)
    return (f"{remote}/{branch} has the landing ({new[:12]}), but {branch} moved to "
            f"{now[:12]} meanwhile; "
            + ("put your commits on top: " if diverged else "catch up: ")
            + catch_up_command(project, remote, diverged=diverged))


# The journal: written before anything visible changes, removed when all is done.

def journal_path(project: Project) -> Path:
    return project.state.landing_journal


def write_journal(project: Project, sync: MainSync, new: str, landed: dict[str, str],
                  sources: dict[str, str]) -> None:
    write_json(journal_path(project), {"local_old": sync.local, "remote_old": sync.remote,
                                       "new": new, "tracks": landed, "sources": sources,
                                       "time": now()})


def read_journal(project: Project) -> dict[str, Any] | None:
    """The journal, or None if there is none or it is damaged (not write_journal's shape)."""
    document = read_json(journal_path(project))
    if document is None:
        return None
    tracks = document.get("tracks")
    if not isinstance(tracks, dict) or not all(isinstance(t, str) for t in tracks):
        return None
    commits = [document.get("local_old"), document.get("new"), *tracks.values()]
    if document.get("remote_old") is not None:
        commits.append(document["remote_old"])
    if not all(isinstance(c, str) and COMMIT_ID.fullmatch(c) for c in commits):
        return None
    return document


def finish_tracks(project: Project, landed: dict[str, str], keep: bool,
                  sources: dict[str, str] | None = None) -> list[str]:
    """Mark landed tracks and tidy their claims, branches and worktrees; return notes.

    sources: the branch tip each track landed from, so that tidying can tell the commits
    made on the branch after it (kept) from those now on main.
    """
    notes = []
    held = git.list_refs(project.paths, "refs/gitorch/claims/")
    dropped = []
    for text, commit in landed.items():
        track = TrackId.parse(text)
        if claim_ref(track) in held:
            dropped.append((track, held[claim_ref(track)]))
        record = TrackRecord.load(project, track)
        if record is not None and record.state != "landed":
            record.state, record.reason, record.phase = "landed", None, None
            record.ended_at = record.ended_at or now()
            record.landed_from = (sources or {}).get(text, record.landed_from)
            record.save(project)
        log = open_track_log(project, track)
        log.line(f"Track {track} landed on {project.main_branch} as {commit[:12]}")
        log.close()
    try:  # one transaction for all, and only if none moved since it was read
        git.update_refs(project.paths, [(claim_ref(t), None, claim) for t, claim in dropped],
                        "gitorch land: release the landed tracks")
    except git.RefMoved:
        for track, claim in dropped:
            try:
                drop_claim(project.paths, track, claim)
            except git.RefMoved:
                notes.append(f"claim of {track} changed meanwhile; left in place")
    if not keep:
        notes += remove_track_trees(project, list(landed))
    return notes


def remove_track_trees(project: Project, tracks: list[str]) -> list[str]:
    """Remove landed tracks' worktrees, branches and wip refs; a note for each one kept."""
    records = [TrackRecord.load(project, TrackId.parse(text)) for text in tracks]
    return remove_landed(project, [r for r in records if r is not None], force=False).kept
