"""The status document: groups, tracks, runners, claims and recent commits, in one dict."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gitorch import git, stamps
from gitorch.agents.presets import agent_for, agent_name
from gitorch.agents.usage import record_total
from gitorch.errors import GitorchError
from gitorch.git import locks, worktree_files
from gitorch.land.pr_store import PullRequest, by_track
from gitorch.process import Meanwhile
from gitorch.project import LoadedRoadmap, Project, load_roadmap
from gitorch.roadmap.model import Roadmap, Track
from gitorch.state import read_json, read_pid
from gitorch.tracks.claims import Claim
from gitorch.tracks.footprints import live_footprint, overlaps, predicted_footprints
from gitorch.tracks.leftout import repair_facts
from gitorch.tracks.pr_rounds import rounds_of
from gitorch.tracks.records import TrackRecord, claims, landed_tracks, pid_alive
from gitorch.tracks.remote_claims import RemoteClaim, claim_age, fetched_claims
from gitorch.tracks.trust import Known, counts_beyond_others
from gitorch.tracks.views import TrackView, as_json, observe, track_subjects
from gitorch.upstream import catch_up_command, remote_name

LOG_TAIL_LINES = 3
RECENT_COMMITS = 5
LOOK_BACK = 20  # commits of main searched for a roadmap that parses


def collect(project: Project, fetch: bool = True,
            main_changes: Callable[[], list[str]] | None = None) -> dict[str, Any]:
    """The status document (DESIGN §8, plus the monitor's fields) for the repository.

    With shared claims, fetch asks the remote for them first. main_changes: the main
    worktree's `git status`, when the caller has begun it already.
    """
    paths = project.paths
    # git status of a 20,000-file worktree is the slowest call: let it run meanwhile, and
    # the reads that need nothing else beside it.
    main_changes = main_changes or worktree_files.worktree_changes_started(paths.main_worktree)
    recent = Meanwhile(git.recent_commits, paths, project.main_branch, RECENT_COMMITS)
    heads = Meanwhile(git.list_refs, paths, "refs/heads/")
    local_claims = Meanwhile(claims, project)
    records = TrackRecord.all(project)
    beyond = Meanwhile(counts_beyond_others, project, records)
    loaded, error = _roadmap(project)
    roadmap = loaded.roadmap
    branches = heads.result()
    prints = Meanwhile(predicted_footprints, project, roadmap,
                       branches.get(f"refs/heads/{project.main_branch}"))
    current = roadmap.current_group()
    claimed = local_claims.result()
    landed = landed_tracks(project, records)
    warning = loaded.warning
    elsewhere: dict[str, RemoteClaim] = {}
    remote = remote_name(project)
    shared = remote is not None and project.config.claims.remote
    if remote is not None and fetch:
        from gitorch.status.fetching import refresh  # network and layout: with a remote only

        warning = refresh(project, remote, shared) or warning
    if shared:
        elsewhere = {t: c for t, c in fetched_claims(project).items()
                     if c.commit != _local_commit(claimed, t)}
    requests = by_track(project)
    shown = _shown_tracks(roadmap, {**claimed, **dict.fromkeys(elsewhere)})
    subjects = track_subjects(project, shown, branches)
    known = Known(branches, records, beyond.result())
    tracks = [observe(project, roadmap, t, claimed, landed, elsewhere=elsewhere.get(t.id),
                      subjects=subjects.get(t.id), known=known) for t in shown]
    footprints = _footprints(project, tracks, prints.result())
    return {
        "repo": str(project.paths.main_worktree),
        "roadmap": project.config.roadmap,
        "main_branch": project.main_branch,
        "error": error,
        "warning": warning,
        "problems": [locks.describe([lock]) for lock in locks.stale_locks(paths.common_dir)],
        "behind": None if remote is None else _behind(project, remote),
        "group": None if current is None else {"id": current.id, "title": current.title},
        "groups": [
            {"id": g.id, "title": g.title, "done": g.done,
             "state": _group_state(roadmap, g.id, landed), "depends_on": list(g.prerequisites)}
            for g in roadmap.groups
        ],
        "phases": [{"name": phase.name, "agent": agent_name(agent_for(project.config, phase))}
                   for phase in project.config.phases],
        "tracks": [{**as_json(view), **_log_facts(view.log), **footprints[view.track.id],
                    "pull_request": _pull_request(requests.get(view.track.id), view.record),
                    **_agent_facts(project, view), **repair_facts(project, view)}
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
             "remote": True, "age": claim_age(project, there)}
            for track, there in sorted(elsewhere.items())
        ],
        "clocks": _clocks_ahead(tracks, elsewhere),
        "main_worktree": _worktree_summary(main_changes()),
        "landing_interrupted": project.state.landing_journal.exists(),
        "recent_commits": [{"id": oid, "subject": subject} for oid, subject in recent.result()],
    }


def _pull_request(request: PullRequest | None, record: TrackRecord | None
                  ) -> dict[str, Any] | None:
    if request is None:
        return None
    # checks and review: as the last land or run tick saw them (None: not followed yet);
    # rounds: the fix and address rounds this track spent on it (DESIGN §19).
    return {"url": request.url, "branch": request.branch, "base": request.base,
            "checks": request.checks or None, "review": request.review or None,
            "rounds": len(rounds_of(record, request.url)) if record and request.url else 0}


def _roadmap(project: Project) -> tuple[LoadedRoadmap, str | None]:
    """The roadmap on main; if it is broken, the last good one before it, with the error."""
    try:
        return load_roadmap(project), None
    except GitorchError as broken:
        branch = project.main_branch
        if git.read_file_at(project.paths, branch, project.config.roadmap) is None:
            raise  # not a broken roadmap but none at all: nothing to fall back on
        for back in range(1, LOOK_BACK + 1):
            rev = f"{branch}~{back}"
            if git.resolve(project.paths, rev) is None:
                break
            try:
                return load_roadmap(project, rev), f"{broken} (showing the tracks of {rev})"
            except GitorchError:
                continue
        raise


def _behind(project: Project, remote: str) -> dict[str, Any] | None:
    """How far main lags the remote's (as last fetched), any commits of its own, and the
    command to catch up."""
    paths, branch = project.paths, project.main_branch
    local = git.resolve(paths, branch)
    there = git.read_ref(paths, f"refs/remotes/{remote}/{branch}")
    if local is None or there is None or git.is_ancestor(paths, there, local):
        return None
    ahead = git.count_commits(paths, there, local)  # main's own: they need a rebase
    return {"remote": remote, "commits": git.count_commits(paths, local, there),
            "ahead": ahead, "command": catch_up_command(project, remote, diverged=ahead > 0)}


def _agent_facts(project: Project, view: TrackView) -> dict[str, Any]:
    """Which agent runs (or will run) the track's phase, what it spent, when it may go on."""
    record = view.record
    first = agent_name(agent_for(project.config, project.config.phases[0]))
    return {"agent": record.agent if record and record.agent else first,
            "usage": record_total(record.usage if record else {}).as_json(),
            "reset_at": record.reset_at if record else None,
            "sandboxed": bool(record and record.sandboxed)}


def _clocks_ahead(views: list[TrackView], elsewhere: dict[str, RemoteClaim]
                  ) -> list[dict[str, Any]]:
    """Hosts whose clocks stamped records or claims in the future, and by how much."""
    now, ahead = time.time(), dict[str, float]()
    found: list[tuple[str, str | None]] = [(there.claim.host, there.claim.time)
                                           for there in elsewhere.values() if there.claim]
    found += [(view.record.host, stamp) for view in views if view.record
              for stamp in (view.record.started_at, view.record.updated_at,
                            view.record.ended_at)]
    for host, stamp in found:
        lead = stamps.ahead(stamps.parse(stamp), now)
        if lead:
            ahead[host] = max(lead, ahead.get(host, 0.0))
    return [{"host": host, "ahead": lead} for host, lead in sorted(ahead.items())]


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


def _footprints(project: Project, views: list[TrackView],
                predicted: dict[str, tuple[str, ...]]) -> dict[str, dict[str, Any]]:
    """Each track's predicted and live footprints, and the running tracks its live one meets."""
    live = {view.track.id: sorted(live_footprint(project.state, view.id))
            for view in views if view.record is not None and view.state != "landed"}
    met = overlaps({view.track.id: live.get(view.track.id, ()) for view in views
                    if view.state in ("claimed", "running")})
    return {view.track.id: {
        "footprint": list(predicted.get(view.track.id, ())),
        "live_footprint": live.get(view.track.id, []),
        "overlaps": [{"track": other, "paths": list(paths)}
                     for other, paths in met.get(view.track.id, {}).items()],
    } for view in views}


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
    pid = read_pid(document.get("pid"))  # None: damaged, so no scheduler to look for
    alive = pid is not None and pid_alive(pid, document.get("host"))
    return {"pid": pid, "host": document.get("host"), "alive": alive,
            "started_at": document.get("started_at")}


def _worktree_summary(changes: list[str]) -> str:
    """`git status` of a worktree in one line."""
    if not changes:
        return "clean"
    untracked = sum(1 for line in changes if line.startswith("??"))
    return f"{len(changes) - untracked} changed, {untracked} untracked"
