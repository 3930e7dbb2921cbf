"""The one error type users see: a single line that says what is wrong and what to do."""

from __future__ import annotations

import os
import time
from pathlib import Path


class GitorchError(Exception):
    """A user-facing failure; the CLI prints `Error: <message>` and exits 1."""


def write_crash_report(error: BaseException) -> Path | Exception:
    """Write error's traceback to a log file; its path, or why it could not be written."""
    import traceback

    from gitorch.state import write_atomic

    try:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        report = _crash_folder() / f"crash-{stamp}-{os.getpid()}.log"
        # Whole or not at all: a full disk must not leave an empty report behind.
        write_atomic(report, "".join(traceback.format_exception(error)).encode())
    except (OSError, GitorchError) as failed:  # GitorchError: a full disk, said by state.py
        return failed
    return report


def _crash_folder() -> Path:
    """<git-common-dir>/gitorch when inside a repository, else the user's log folder."""
    from gitorch.locate import state_dir_around

    found = state_dir_around(os.getcwd())
    if found is not None:
        return Path(found)
    import platformdirs

    return platformdirs.user_log_path("gitorch")
