"""`gitorch status`: the seed's monitor, from any worktree or subfolder."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gitorch import git
from gitorch.claims import Claim
from gitorch.errors import GitorchError
from gitorch.output import paint, safe_text, table
from gitorch.project import Project, load_roadmap, open_project
from gitorch.remote_claims import RemoteClaim, claims_refspec, fetched_claims
from gitorch.roadmap import Roadmap, Track
from gitorch.state import read_json
from gitorch.tracks import as_json, claims, landed_tracks, observe, pid_alive
from gitorch.upstream import NETWORK_TIMEOUT, remote_name

LOG_TAIL_LINES = 3
RECENT_COMMITS = 5


def collect(cwd: Path, fetch: bool = True) -> dict[str, Any]:
    """The status document (DESIGN §8, plus the monitor's fields) for the repository.

    With shared claims, fetch asks the remote for them first.
    """
    project = open_project(cwd)
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
                git.fetch(project.paths, remote, [claims_refspec()], NETWORK_TIMEOUT)
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
        "tracks": [{**as_json(view), **_log_facts(view.log)} for view in tracks],
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


def render(document: dict[str, Any], colour: bool) -> list[str]:
    """The status document as lines for a person."""
    scheduler = document["scheduler"]
    running = (f"running (PID {scheduler['pid']})" if scheduler and scheduler["alive"]
               else "not running")
    lines = [
        f"{paint('Repository', 'bold', colour)}  {document['repo']}  "
        f"(roadmap {document['roadmap']} on {document['main_branch']})",
        f"Scheduler: {running}    Agents alive: {document['agents_alive']}",
        "",
        paint("Groups", "bold", colour),
    ]
    current = document["group"]
    group_rows = []
    for group in document["groups"]:
        mark = {"done": "✓", "ready": "▶", "blocked": "·"}[group["state"]]
        label = "current" if current and group["id"] == current["id"] else group["state"]
        group_rows.append([mark, group["id"], safe_text(group["title"]),
                           paint(label, group["state"], colour)])
    lines += table(group_rows)
    lines.append("")
    if current is None:
        lines.append(paint("Every group is done.", "ok", colour))
    else:
        lines.append(f"{paint('Current group', 'bold', colour)}  {current['id']}: "
                     f"{safe_text(current['title'])}")
    lines += _track_lines(document["tracks"], colour)
    if document["claims"]:
        lines += ["", paint("Claims", "bold", colour)]
        lines += table([[c["track"], c["host"] or "?", f"pid {c['pid']}", c["time"] or "",
                         _claim_note(c)] for c in document["claims"]])
    if document["landing_interrupted"]:
        lines += ["", paint("A landing was interrupted; gitorch land finishes it.", "warn",
                            colour)]
    lines += ["", f"{paint('Main worktree', 'bold', colour)}  {document['main_worktree']}",
              paint(f"Recent commits on {document['main_branch']}", "bold", colour)]
    lines += [f"  {c['id']} {safe_text(c['subject'])}" for c in document["recent_commits"]]
    return lines


def _claim_note(claim: dict[str, Any]) -> str:
    if claim["damaged"]:
        return "damaged claim commit"
    if claim["remote"]:
        age = claim["age"]
        return "on the remote" + (f", heartbeat {age:.0f}s ago" if age is not None else "")
    return ""


def _track_lines(tracks: list[dict[str, Any]], colour: bool) -> list[str]:
    rows = []
    for track in tracks:
        if track["problem"]:
            note = f"problem: {track['problem']}"
        elif track["waiting_on"]:
            note = "waits on " + ", ".join(track["waiting_on"])
        elif track["state"] == "pending":
            note = "ready"
        elif track["state"] in ("failed", "stopped") and track["reason"]:
            note = track["reason"]
        else:
            note = track["last_commit"] or ""
        runner = ""
        if track["pid"]:
            runner = f"pid {track['pid']} " + ("alive" if track["alive"] else "dead")
        rows.append([track["id"], safe_text(track["title"]),
                     paint(track["state"], track["state"], colour), track["phase"] or "",
                     runner, f"{track['commits']} commits" if track["commits"] else "",
                     safe_text(note)])
    lines = table(rows)
    out = []
    for line, track in zip(lines, tracks, strict=True):
        out.append(line)
        if track["log_tail"] and track["state"] not in ("pending", "blocked"):
            size = f"{track['log_size'] / 1024:.1f} KB"
            out.append(paint(f"      log {size}, {track['log_mtime']}: {track['log']}",
                             "dim", colour))
            out += [paint(f"      │ {safe_text(entry)[:120]}", "dim", colour)
                    for entry in track["log_tail"]]
    return out


def watch_frames(cwd: Path, interval: float, as_json: bool, colour: bool, fetch: bool
                 ) -> Iterator[str]:
    """Frames to print every interval, forever: redrawn in place on a terminal."""
    in_place = sys.stdout.isatty() and not as_json
    while True:
        document = collect(cwd, fetch)
        if as_json:
            yield json.dumps(document, ensure_ascii=False) + "\n"
        elif in_place:
            # Home, each line cleared to its end, then the rest of the screen: no flicker.
            body = "".join(f"{line}\x1b[K\n" for line in render(document, colour))
            yield f"\x1b[H{body}\x1b[J"
        else:
            yield "\n".join(render(document, colour)) + "\n\n"
        time.sleep(interval)
