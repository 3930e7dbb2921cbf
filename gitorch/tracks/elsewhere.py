"""Whether a track was landed meanwhile by someone else: another machine, or a person.

A runner that was paused (a laptop asleep) may wake after another clone took its claim
over, finished the track and landed it. Main's roadmap is what says so: a track marked
done there is never run again.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from gitorch import git
from gitorch.errors import GitorchError
from gitorch.git import network
from gitorch.names import TrackId, claim_ref
from gitorch.project import Project, load_roadmap
from gitorch.roadmap.model import Roadmap
from gitorch.tracks.claims import TrackLock, drop_claim
from gitorch.tracks.records import TrackRecord, now
from gitorch.tracks.views import TrackView
from gitorch.upstream import remote_name


def landed_where(project: Project, track: TrackId) -> str | None:
    """The branch whose roadmap marks track done (the remote's main first), or None.

    With shared claims the remote's main is fetched first (within remote_timeout); a remote
    that does not answer leaves its main as last fetched.
    """
    branch = project.main_branch
    # Without shared claims nothing is fetched: the remote's main as last fetched counts if
    # its ref is there (removing a remote removes it), and no process asks for the remote.
    remote = remote_name(project) if project.config.claims.remote else project.config.remote
    places = [(f"refs/heads/{branch}", branch)]
    if remote is not None:
        if project.config.claims.remote:
            # A remote that does not answer: its main as last fetched still says something.
            with contextlib.suppress(GitorchError):
                network.fetch_branch(project.paths, remote, branch,
                                     project.config.remote_timeout)
        places.insert(0, (f"refs/remotes/{remote}/{branch}", f"{remote}/{branch}"))
    tips = git.read_refs(project.paths, *(ref for ref, _ in places))
    for ref, place in places:
        rev = tips.get(ref)
        if rev is not None and _marked_done(project, rev, track):
            return place
    return None


def _marked_done(project: Project, rev: str, track: TrackId) -> bool:
    try:
        return roadmap_at(project, rev).track(str(track)).done
    except GitorchError:
        return False  # a roadmap that does not parse, or no longer has the track, says nothing


# The roadmaps at the last few commits asked about: a runner asks before every phase, and
# main has mostly not moved meanwhile (nor since the track's base). A commit's roadmap
# never changes.
_ROADMAPS: dict[tuple[str, str], Roadmap | GitorchError] = {}
KEPT_ROADMAPS = 4


def remember_roadmap(project: Project, rev: str, roadmap: Roadmap) -> None:
    """Keep roadmap as the one committed at rev, read already (by start, for its runners)."""
    _ROADMAPS[(str(project.paths.common_dir), rev)] = roadmap
    while len(_ROADMAPS) > KEPT_ROADMAPS:
        del _ROADMAPS[next(iter(_ROADMAPS))]


def roadmap_at(project: Project, rev: str) -> Roadmap:
    """The roadmap committed at rev, a commit id; raises GitorchError as load_roadmap does."""
    key = (str(project.paths.common_dir), rev)
    if key not in _ROADMAPS:
        try:
            remember_roadmap(project, rev, load_roadmap(project, rev).roadmap)
        except GitorchError as error:
            _ROADMAPS[key] = error
    kept = _ROADMAPS[key]
    if isinstance(kept, GitorchError):
        raise kept
    return kept


def mark_landed(record: TrackRecord, place: str) -> None:
    """Record a track landed by someone else: not failed, not stopped, never run again."""
    record.state, record.reason = "landed", f"landed elsewhere ({place})"
    record.exit_code = record.failed_phase = record.failure = None


def settle_landed(project: Project, views: Iterable[TrackView], place: str) -> list[str]:
    """Mark landed the records of tracks place marks done whose runners are gone.

    Returns the tracks settled.
    """
    return [view.track.id for view in views
            if view.state == "landed" and view.record is not None
            and view.record.state != "landed" and settle(project, view.record, place)]


def settle(project: Project, record: TrackRecord, place: str) -> bool:
    """Mark a record landed elsewhere and drop its local claim, if no runner holds its lock.

    A runner that holds it settles itself.
    """
    track = TrackId.parse(record.track)
    try:
        lock = TrackLock.try_acquire(project.state.lockfile(track))
    except GitorchError:
        return False  # a damaged lockfile: status names it; nothing here is urgent
    if lock is None:
        return False
    try:
        mark_landed(record, place)
        record.ended_at = record.ended_at or now()
        record.save(project)
        drop_local_claim(project, track)
    finally:
        lock.release()
    return True


def drop_local_claim(project: Project, track: TrackId) -> None:
    """Drop the local claim ref of a track landed elsewhere; the caller holds its lock.

    Its remote claim went with the landing's push.
    """
    commit = git.read_ref(project.paths, claim_ref(track))
    if commit is not None:
        with contextlib.suppress(git.RefMoved):
            drop_claim(project.paths, track, commit)
