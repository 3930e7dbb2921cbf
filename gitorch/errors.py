"""The one error type users see: a single line that says what is wrong and what to do."""

from __future__ import annotations

import os
import time
from pathlib import Path


class GitorchError(Exception):
    """A user-facing failure; the CLI prints `Error: <message>` and exits 1."""


def write_crash_report(error: BaseException) -> Path:
    """Write error's traceback to a log file and return its path."""
    import traceback

    folder = _crash_folder()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    report = folder / f"crash-{stamp}-{os.getpid()}.log"
    report.write_text("".join(traceback.format_exception(error)), encoding="utf-8")
    return report


def _crash_folder() -> Path:
    """<git-common-dir>/gitorch when inside a repository, else the user's log folder."""
    from gitorch.locate import state_dir_around

    found = state_dir_around(Path.cwd())
    if found is not None:
        return found
    import platformdirs

    return platformdirs.user_log_path("gitorch")
