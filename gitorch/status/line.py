"""`gitorch status --line`: one short line for tmux and an agent CLI's status line.

It runs on every prompt, so it reads only what runners already wrote (the track records)
and imports nothing but the standard library's basics: no git, no click, no roadmap, not
even pathlib or typing (14 ms of a 30 ms budget).
"""

from __future__ import annotations

import json
import os

from gitorch.liveness import pid_running, this_host
from gitorch.locate import state_dir_around

BUSY = frozenset({"claimed", "running", "resolving", "fixing", "healing"})
NEEDS_YOU = frozenset({"failed", "conflict", "gate-failed", "needs-review", "stuck"})
MESSAGE = "message"  # gitorch.steer.messages.PHASE, which this module is too light to import


def status_line(cwd: str) -> str:
    """The line, e.g. `▶ E 3 running · 2 to land · 1 needs you`; empty outside a repository."""
    state = state_dir_around(cwd)
    if state is None:
        return ""
    folder = os.path.join(state, "tracks")
    names = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
    records = [record for record in (_read(os.path.join(folder, name)) for name in names
                                     if name.endswith(".json")) if record is not None]
    running: list[dict[str, object]] = []
    to_land: list[dict[str, object]] = []
    needs_you: list[dict[str, object]] = []
    waiting: list[dict[str, object]] = []
    for record in records:
        kind = record.get("state")
        if kind in BUSY:
            (running if _alive(record) else needs_you).append(record)  # a dead one is stale
        elif record.get("phase") == MESSAGE and _alive(record):
            running.append(record)  # a done or stopped track's agent, at work on a message
        elif kind == "done":
            to_land.append(record)
        elif kind == "rate-limited":
            waiting.append(record)
        elif kind in NEEDS_YOU:
            needs_you.append(record)
    groups = list(dict.fromkeys(str(r["track"]).rpartition("/")[0]
                                for r in running + to_land))
    parts = [f"{len(running)} running"] if running else []
    parts += [f"{len(to_land)} to land"] if to_land else []
    parts += [f"{len(waiting)} at a usage limit"] if waiting else []
    parts += [f"{len(needs_you)} needs you"] if needs_you else []
    if not parts:
        return "✓ idle"
    return (f"▶ {' '.join(groups)} " if groups else "") + " · ".join(parts)


def _read(path: str) -> dict[str, object] | None:
    try:
        with open(path, "rb") as file:
            document = json.loads(file.read())
    except (OSError, ValueError):
        return None
    return document if isinstance(document, dict) and isinstance(document.get("track"),
                                                                  str) else None


def _alive(record: dict[str, object]) -> bool:
    pid = record.get("pid")
    if not isinstance(pid, int) or isinstance(pid, bool) or not 1 < pid < 2**22:
        return False  # 2**22 is the kernel's largest pid_max
    return record.get("host") == this_host() and pid_running(pid)
