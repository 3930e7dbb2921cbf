"""Asking the remote for `status`: never for long, and saying how old what is shown is.

A status is read by a person waiting for it: a remote that does not answer in a moment is
left alone, and the refs fetched last time are shown, marked stale since then.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timezone

from gitorch.errors import GitorchError
from gitorch.git import network
from gitorch.project import Project
from gitorch.status.layout import age
from gitorch.tracks.remote_claims import claims_refspec

STATUS_WAIT = 1.5  # seconds a status waits on the remote


def refresh(project: Project, remote: str, shared: bool, timeout: float = STATUS_WAIT
            ) -> str | None:
    """Fetch main (and the shared claims) within timeout; else one line saying what is stale."""
    try:
        network.fetch_branch(project.paths, remote, project.main_branch, timeout,
                             (claims_refspec(),) if shared else ())
        return None
    except network.RemoteTimedOut:
        why = f"{remote} did not answer within {timeout:g}s"
    except GitorchError as failed:
        why = str(failed)
    what = "the remote's claims" if shared else f"{remote}/{project.main_branch}"
    return f"{why}; showing {what} as last fetched{_since(project, remote)}"


def _since(project: Project, remote: str) -> str:
    """When the last fetch was, in a few words."""
    moment = network.last_fetched(project.paths, remote)
    if moment is None:
        return " (never)"
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(moment))
    return f", {age(stamp, datetime.now(timezone.utc)) or '0s'} ago ({stamp})"


class BackgroundFetch:
    """`status --watch`'s fetch, every `every` seconds in a thread: no frame waits for it."""

    def __init__(self, project: Project, remote: str, shared: bool, every: float) -> None:
        self.warning: str | None = None
        self._args = (project, remote, shared, project.config.remote_timeout)
        self._every = every
        threading.Thread(target=self._loop, daemon=True).start()

    def _loop(self) -> None:
        while True:
            self.warning = refresh(*self._args)
            time.sleep(self._every)
