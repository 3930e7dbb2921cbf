"""`gitorch send`: a message for a track's agent (a `message` phase continuing its session)."""

from __future__ import annotations

from pathlib import Path

from gitorch.names import TrackId
from gitorch.project import open_project
from gitorch.steer.send import send as send_message


def send(cwd: Path, track_text: str, message: str) -> list[str]:
    """Queue the message, starting a runner for it if the track has none; lines to print.

    Raises GitorchError for a track that was never started, has landed, or lost its
    worktree, and for an empty message.
    """
    return send_message(open_project(cwd), TrackId.parse(track_text), message)
