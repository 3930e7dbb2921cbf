"""`gitorch stop`: end the runners gitorch started, leaving worktrees and commits as they are."""

from __future__ import annotations

from pathlib import Path

from gitorch.errors import GitorchError
from gitorch.project import open_project
from gitorch.schedule.stopping import stop as stop_runners


def stop(cwd: Path, track_ids: list[str], every: bool) -> list[str]:
    """Stop the named tracks' runners (or all); return a line per track."""
    if not track_ids and not every:
        raise GitorchError("name the tracks to stop (e.g. gitorch stop E/1) or use --all")
    return stop_runners(open_project(cwd), track_ids, every)
