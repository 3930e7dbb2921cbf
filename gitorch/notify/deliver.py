"""The background delivery of one event: every sink at once, each with one retry.

Run as `python -m gitorch.notify.deliver <outbox file>` by tell(); a sink that still fails
is logged in runs.log, and the file is removed once every sink had its turn.
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path
from typing import Any

from gitorch.config.settings import NotifySink
from gitorch.notify.events import sinks_of
from gitorch.notify.sinks import DeliveryFailed, deliver
from gitorch.state import append_stamped_line, read_json

RETRY_AFTER = 2.0  # seconds before a failed sink is tried again


def deliver_file(path: Path) -> None:
    """Deliver the event in an outbox file to its sinks, then remove the file."""
    document = read_json(path)
    if document is None:
        return
    runs_log = path.parent.parent / "runs.log"
    event = document["event"]
    threads = [threading.Thread(target=_deliver_one, args=(sink, event, runs_log))
               for sink in sinks_of(document)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    path.unlink(missing_ok=True)


def _deliver_one(sink: NotifySink, event: dict[str, Any], runs_log: Path) -> None:
    for attempt in (1, 2):
        try:
            deliver(sink, event)
            return
        except DeliveryFailed as failed:
            if attempt == 2:
                append_stamped_line(runs_log, f"notify {event.get('event')} to {sink.name} "
                                              f"failed: {failed}")
            else:
                time.sleep(RETRY_AFTER)


if __name__ == "__main__":
    deliver_file(Path(sys.argv[1]))
