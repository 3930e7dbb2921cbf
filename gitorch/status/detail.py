"""`status -v`: the status document in full, with each track's runner and log tail."""

from __future__ import annotations

from typing import Any

from gitorch.agents.usage import Usage
from gitorch.output import paint, plural, safe_text, table
from gitorch.stamps import span
from gitorch.status.layout import log_message
from gitorch.status.text import UNLIMITED, notices
from gitorch.tracks.records import ENDED


def render_detail(document: dict[str, Any], colour: bool) -> list[str]:
    """The status document in full, several lines per track (`status -v`)."""
    scheduler = document["scheduler"]
    running = (f"running (PID {scheduler['pid']})" if scheduler and scheduler["alive"]
               else "not running")
    lines = [
        f"{paint('Repository', 'bold', colour)}  {document['repo']}  "
        f"(roadmap {document['roadmap']} on {document['main_branch']})",
        f"Scheduler: {running}    Agents alive: {document['agents_alive']}",
        *notices(document, UNLIMITED, colour, warning=False),
        *[paint(f"clock ahead by {span(c['ahead'])} on host {safe_text(c['host'])}: its "
                "times are taken as now", "warn", colour) for c in document["clocks"]],
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
        lines.append("Phases: " + " → ".join(f"{p['name']} ({safe_text(p['agent'])})"
                                             for p in document["phases"]))
    lines += _track_lines(document["tracks"], colour)
    if document["claims"]:
        lines += ["", paint("Claims", "bold", colour)]
        # The claim commit names the start that made it, long gone: the runner is who holds it.
        runners = {t["id"]: t["pid"] for t in document["tracks"] if t["pid"]}
        lines += table([[c["track"], c["host"] or "?",
                         f"runner pid {runners[c['track']]}" if c["track"] in runners
                         else f"claimed by pid {c['pid']}", c["time"] or "",
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


def _session(session: object) -> str:
    """`session 1d41f18d`: the agent's newest session (an id cut short, a history file whole),
    which attach and send continue."""
    if not isinstance(session, str) or not session:
        return ""
    return f"session {safe_text(session if '/' in session else session[:8])}"


def _track_lines(tracks: list[dict[str, Any]], colour: bool) -> list[str]:
    rows = []
    for track in tracks:
        if track["problem"]:
            note = f"problem: {track['problem']}"
        elif track["waiting_on"]:
            note = "waits on " + ", ".join(track["waiting_on"])
        elif track["state"] == "pending":
            note = "ready"
        elif track["state"] in ("failed", "stopped", "rate-limited") and track["reason"]:
            note = track["reason"]
        else:
            note = track["last_commit"] or ""
        phase = f"{track['phase']} ({safe_text(track['agent'])})" if track["phase"] else ""
        spent = Usage.from_json(track["usage"])
        runner = ""  # a runner that ended with its track is no news
        if track["pid"] and (track["alive"] or track["state"] not in ENDED):
            runner = f"pid {track['pid']} " + ("alive" if track["alive"] else "dead")
        rows.append([track["id"], safe_text(track["title"]),
                     paint(track["state"], track["state"], colour), phase,
                     runner, _session(track.get("session")),
                     plural(track["commits"], "commit") if track["commits"] else "",
                     spent.text() if spent else "", safe_text(note)])
    lines = table(rows)
    out = []
    for line, track in zip(lines, tracks, strict=True):
        out.append(line)
        if track["log_tail"] and track["state"] not in ("pending", "blocked", "landed"):
            size = f"{track['log_size'] / 1024:.1f} KB"
            out.append(paint(f"      log {size}, {track['log_mtime']}: gitorch logs "
                             f"{track['id']}", "dim", colour))
            out += [paint(f"      │ {log_message(entry)[:120]}", "dim", colour)
                    for entry in track["log_tail"]]
    return out
