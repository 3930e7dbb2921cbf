"""`gitorch status --line`: one short line for tmux and an agent CLI's status line.

It runs on every prompt, so it reads only what runners already wrote (the track records)
and imports nothing but the standard library's basics: no git, no click, no roadmap.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gitorch.liveness import pid_running, this_host
from gitorch.locate import state_dir_around

BUSY = frozenset({"claimed", "running", "resolving", "fixing"})
NEEDS_YOU = frozenset({"failed", "conflict", "gate-failed", "needs-review"})


def status_line(cwd: Path) -> str:
    """The line, e.g. `▶ E 3 running · 2 to land · 1 needs you`; empty outside a repository."""
    state = state_dir_around(cwd)
    if state is None:
        return ""
    records = [record for record in map(_read, sorted((state / "tracks").glob("*.json")))
               if record is not None]
    running: list[dict[str, Any]] = []
    to_land: list[dict[str, Any]] = []
    needs_you: list[dict[str, Any]] = []
    waiting: list[dict[str, Any]] = []
    for record in records:
        kind = record.get("state")
        if kind in BUSY:
            (running if _alive(record) else needs_you).append(record)  # a dead one is stale
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


def _read(path: Path) -> dict[str, Any] | None:
    try:
        document = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    return document if isinstance(document, dict) and isinstance(document.get("track"),
                                                                  str) else None


def _alive(record: dict[str, Any]) -> bool:
    pid = record.get("pid")
    if not isinstance(pid, int) or isinstance(pid, bool) or not 1 < pid < 2**22:
        return False  # 2**22 is the kernel's largest pid_max
    return record.get("host") == this_host() and pid_running(pid)
