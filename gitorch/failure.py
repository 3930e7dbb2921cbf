"""How a command that failed ends: one line on stderr and an exit code, without click."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

from gitorch.disk import as_disk_full, is_full
from gitorch.errors import GitorchError, write_crash_report


def doer() -> str:
    """The command being run, as `gitorch land`, for a message that says what failed."""
    return " ".join(["gitorch", *[arg for arg in sys.argv[1:] if not arg.startswith("-")][:1]])


def fail(error: BaseException) -> NoReturn:
    """Exit for error: 1 for a user's error, 130 for Ctrl-C, 3 (with a crash report) else."""
    if isinstance(error, KeyboardInterrupt):
        sys.exit(130)
    if isinstance(error, GitorchError) or is_full(error):
        # A git that ran out of room says so in its own words; name the disk instead.
        said = as_disk_full(error, Path.cwd(), doer()) if is_full(error) else error
        _say(f"Error: {said}")
        sys.exit(1)
    report = write_crash_report(error)
    where = (f"traceback in {report}" if isinstance(report, Path)
             else f"its traceback could not be written: {report}")
    _say(f"Error: unexpected {type(error).__name__}: {error} ({where})")
    sys.exit(3)


def _say(line: str) -> None:
    sys.stdout.flush()
    print(line, file=sys.stderr, flush=True)
