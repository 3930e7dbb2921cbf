"""`gitorch status`: the seed's monitor, from any worktree or subfolder."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gitorch.output import paint, safe_text, table
from gitorch.project import open_project
from gitorch.status.document import collect as status_document


def collect(cwd: Path, fetch: bool = True) -> dict[str, Any]:
    """The status document for the repository around cwd."""
    return status_document(open_project(cwd), fetch)


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
        elif track.get("next"):
            note = f"{track['reason'] or 'left out'}; next: {track['next']}"
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
