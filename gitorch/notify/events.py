"""Events: what happened, in one line and as fields, handed to the sinks that want it."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping
from dataclasses import asdict
from datetime import datetime, timezone
from typing import Any

from gitorch.config.settings import NotifySink
from gitorch.errors import GitorchError
from gitorch.process import detach
from gitorch.project import Project
from gitorch.state import write_json


def tell(project: Project, event: str, text: str, **fields: Any) -> None:
    """Hand the event to every sink that wants it, in the background; no sink, no work."""
    sinks = [sink for sink in project.config.notify if sink.wants(event)]
    if not sinks:
        return
    document = event_document(project, event, text, fields)
    outbox = project.state.root / "notify"
    path = outbox / f"{time.time_ns()}-{os.getpid()}-{event}.json"
    try:
        write_json(path, {"event": document, "sinks": [asdict(sink) for sink in sinks]})
        detach([sys.executable, "-m", "gitorch.notify.deliver", str(path)], cwd=outbox)
    except (OSError, GitorchError):
        return  # a full disk, say: telling of it must not stop what is being told of


def event_document(project: Project, event: str, text: str, fields: Mapping[str, Any]
                   ) -> dict[str, Any]:
    """The event as sinks get it: its name, one line of text (Slack and ntfy show it), and
    its fields."""
    repo = project.paths.main_worktree
    return {"event": event, "text": f"gitorch ({repo.name}): {text}", "repo": str(repo),
            "time": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), **fields}


def sinks_of(document: Mapping[str, Any]) -> list[NotifySink]:
    """The sinks an outbox file names, as tell() wrote them."""
    return [NotifySink(str(s["kind"]), tuple(s["command"]), str(s["url"]), tuple(s["on"]),
                       float(s["timeout"])) for s in document["sinks"]]
