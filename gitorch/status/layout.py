"""Small pieces of a one-screen layout: cutting text to columns, ages, paths, counts."""

from __future__ import annotations

import os
import re
import unicodedata
from datetime import datetime, timezone

from gitorch.output import safe_text

# The runner's stamp and tag at the head of each log line, then an agent's own stamp.
_LOG_PREFIX = re.compile(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d\S* \[[^\]]*\] ?")
_AGENT_STAMP = re.compile(r"^\[?\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d)?[^\s\]]*\]? ?")


def columns(text: str) -> int:
    """Columns plain text takes on a terminal (wide characters count two)."""
    return sum(_char_width(c) for c in text)


def _char_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def fit(text: str, width: int) -> str:
    """Plain text cut to at most width columns, ending in `…` when it was cut."""
    if width <= 0:
        return ""
    if columns(text) <= width:
        return text
    kept, used = [], 0
    for char in text:
        size = _char_width(char)
        if used + size > width - 1:
            break
        kept.append(char)
        used += size
    return "".join(kept) + "…"


def pad(text: str, width: int, right: bool = False) -> str:
    """Plain text padded with spaces to width columns (on the left when right-aligned)."""
    space = " " * max(0, width - columns(text))
    return space + text if right else text + space


def short_path(path: str, width: int) -> str:
    """A path with the home folder as `~`, then cut from the left with `…` to fit width."""
    home = os.path.expanduser("~")
    if home not in ("", "/") and (path == home or path.startswith(home + os.sep)):
        path = "~" + path[len(home):]
    if columns(path) <= width:
        return path
    parts = path.split(os.sep)
    tail = parts[-1]
    for part in reversed(parts[:-1]):
        candidate = part + os.sep + tail
        if columns(candidate) + 2 > width:
            break
        tail = candidate
    shortened = "…" + os.sep + tail
    if columns(shortened) <= width:
        return shortened
    return "…" + fit(tail[::-1], width - 1)[::-1].lstrip("…")


def age(stamp: str | None, now: datetime) -> str:
    """How long ago an ISO UTC stamp was, in a few characters: 45s, 12m, 3h05, 2d."""
    if not stamp:
        return ""
    try:
        then = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return ""
    seconds = max(0, int((now - then).total_seconds()))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86400:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}"
    return f"{seconds // 86400}d"


def log_message(line: str) -> str:
    """A log line without the runner's stamp and tag, nor the agent's own stamp."""
    text = _LOG_PREFIX.sub("", line, count=1)
    return safe_text(_AGENT_STAMP.sub("", text, count=1).strip())


def tokens(count: int) -> str:
    """A token count in a few characters: 950, 12.3k, 4.1M."""
    if count < 1000:
        return str(count)
    if count < 1_000_000:
        return f"{count / 1000:.1f}k"
    return f"{count / 1_000_000:.1f}M"
