"""`gitorch report`: what the last run did, as text, one JSON document or an HTML page."""

from __future__ import annotations

import time
from pathlib import Path

from gitorch.config.durations import parse_duration
from gitorch.errors import GitorchError
from gitorch.project import open_project
from gitorch.report import html, text
from gitorch.report.model import Report
from gitorch.report.sources import stamp
from gitorch.report.timeline import build
from gitorch.state import write_atomic


def since_time(value: str, now: float) -> float:
    """--since: a time (`2026-01-09T12:00`, local unless it names a zone) or a duration ago."""
    moment = stamp(value)
    if moment is not None:
        return moment
    try:
        return now - parse_duration(value)
    except ValueError:
        raise GitorchError(f"--since {value!r} is neither a time (2026-01-09T12:00) nor a "
                           "duration (6h)") from None


def report(cwd: Path, since: str | None) -> Report:
    """The report for the repository around cwd: the last run, or everything since."""
    now = time.time()
    return build(open_project(cwd), since_time(since, now) if since else None, now)


def write_html(document: Report, path: Path) -> int:
    """Write the HTML page to path (atomically); its size in bytes."""
    data = html.render(document).encode("utf-8")
    target = path.resolve()
    if not target.parent.is_dir():
        raise GitorchError(f"cannot write {path}: folder {target.parent} does not exist")
    try:
        write_atomic(target, data)
    except OSError as error:
        raise GitorchError(f"cannot write {path}: {error.strerror or error}") from None
    return len(data)


def render(document: Report) -> list[str]:
    """The report as lines for a terminal."""
    return text.render(document)
