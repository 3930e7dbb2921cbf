"""The status document: groups, tracks, runners, claims and recent commits, in one dict."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from gitorch import git
from gitorch.errors import GitorchError
from gitorch.git import network
from gitorch.project import Project, load_roadmap
from gitorch.roadmap.model import Roadmap, Track
from gitorch.state import read_json
from gitorch.tracks.claims import Claim
from gitorch.tracks.leftout import repair_facts
from gitorch.tracks.records import as_json, claims, landed_tracks, observe, pid_alive
from gitorch.tracks.remote_claims import RemoteClaim, claims_refspec, fetched_claims
from gitorch.upstream import NETWORK_TIMEOUT, remote_name

LOG_TAIL_LINES = 3
RECENT_COMMITS = 5


def collect(project: Project, fetch: bool = True) -> dict[str, Any]:
    """The status document (DESIGN §8, plus the monitor's fields) for the repository.

    With shared claims, fetch asks the remote for them first.
    """
    loaded = load_roadmap(project)
    roadmap = loaded.roadmap
    current = roadmap.current_group()
    claimed = claims(project)
    landed = landed_tracks(project)
    warning = loaded.warning
    elsewhere: dict[str, RemoteClaim] = {}
    remote = remote_name(project) if project.config.claims.remote else None
    if remote is not None:
        if fetch:
            try:
                network.fetch(project.paths, remote, [claims_refspec()], NETWORK_TIMEOUT)
            except GitorchError as error:
                warning = f"{error}; showing the remote's claims as last fetched"
        elsewhere = {t: c for t, c in fetched_claims(project).items()
                     if c.commit != _local_commit(claimed, t)}
    tracks = [observe(project, roadmap, t, claimed, landed, elsewhere=elsewhere.get(t.id))
              for t in _shown_tracks(roadmap, {**claimed, **dict.fromkeys(elsewhere)})]
    return {
        "repo": str(project.paths.main_worktree),
        "roadmap": project.config.roadmap,
        "main_branch": project.main_branch,
        "warning": warning,
        "group": None if current is None else {"id": current.id, "title": current.title},
        "groups": [
            {"id": g.id, "title": g.title, "done": g.done,
             "state": _group_state(roadmap, g.id, landed), "depends_on": list(g.prerequisites)}
            for g in roadmap.groups
        ],
        "tracks": [{**as_json(view), **_log_facts(view.log), **repair_facts(project, view)}
                   for view in tracks],
        "scheduler": _scheduler(project),
        "agents_alive": sum(1 for view in tracks if view.alive),
        "claims": [
            {"track": track, "host": claim.host if claim else None,
             "pid": claim.pid if claim else None, "time": claim.time if claim else None,
             "damaged": claim is None, "remote": False, "age": None}
            for track, claim in sorted(claimed.items())
        ] + [
            {"track": track, "host": there.claim.host if there.claim else None,
             "pid": there.claim.pid if there.claim else None,
             "time": there.claim.time if there.claim else None, "damaged": there.claim is None,
             "remote": True, "age": there.age()}
            for track, there in sorted(elsewhere.items())
        ],
        "main_worktree": _worktree_summary(project.paths.main_worktree),
        "landing_interrupted": project.state.landing_journal.exists(),
        "recent_commits": [{"id": oid, "subject": subject} for oid, subject in
                           git.recent_commits(project.paths, project.main_branch,
                                              RECENT_COMMITS)],
    }


def _local_commit(claimed: dict[str, Claim | None], track: str) -> str | None:
    claim = claimed.get(track)
    return claim.commit if claim else None


def _group_state(roadmap: Roadmap, group_id: str, landed: frozenset[str]) -> str:
    if roadmap.group_done(roadmap.group(group_id), landed):
        return "done"
    return "ready" if roadmap.group_ready(group_id, landed) else "blocked"


def _shown_tracks(roadmap: Roadmap, claimed: dict[str, Claim | None]) -> list[Track]:
    """The current group's tracks, then those of other groups that are ready or claimed."""
    current = roadmap.current_group()
    shown = list(current.tracks) if current else []
    for group in roadmap.groups:
        if current and group.id == current.id:
            continue
        if not group.done and roadmap.group_ready(group.id):
            shown.extend(group.tracks)
        else:
            shown.extend(t for t in group.tracks if t.id in claimed)
    return shown


def _log_facts(log: Path) -> dict[str, Any]:
    """The last lines of a track's log, its size and when it last changed."""
    try:
        with open(log, "rb") as file:
            size = os.fstat(file.fileno()).st_size
            mtime = os.fstat(file.fileno()).st_mtime
            file.seek(max(0, size - 8192))
            tail = file.read().decode("utf-8", "replace").splitlines()[-LOG_TAIL_LINES:]
    except OSError:
        return {"log_tail": [], "log_size": 0, "log_mtime": None}
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(mtime))
    return {"log_tail": tail, "log_size": size, "log_mtime": stamp}


def _scheduler(project: Project) -> dict[str, Any] | None:
    """The `gitorch run` scheduler, if one has run here."""
    document = read_json(project.state.scheduler)
    if document is None:
        return None
    pid = document.get("pid")
    alive = isinstance(pid, int) and pid_alive(pid, document.get("host"))
    return {"pid": pid, "host": document.get("host"), "alive": alive,
            "started_at": document.get("started_at")}


def _worktree_summary(worktree: Path) -> str:
    """`git status` of a worktree in one line."""
    changes = git.worktree_changes(worktree)
    if not changes:
        return "clean"
    untracked = sum(1 for line in changes if line.startswith("??"))
    return f"{len(changes) - untracked} changed, {untracked} untracked"
