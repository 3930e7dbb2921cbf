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
    here = Path.cwd()
    for folder in (here, *here.parents):
        dot_git = folder / ".git"
        if dot_git.is_dir():
            return dot_git / "gitorch"
        if dot_git.is_file():
            text = dot_git.read_text(encoding="utf-8", errors="replace")
            git_dir = Path(text.removeprefix("gitdir:").strip())
            common = (folder / git_dir / "commondir")
            if common.is_file():
                return (common.parent / common.read_text().strip()).resolve() / "gitorch"
    import platformdirs

    return platformdirs.user_log_path("gitorch")
