"""Durations as people write them in config and flags: 90s, 10m, 6h, 1h30m, 2d."""

from __future__ import annotations

import math
import re

_UNITS = (("d", 86400), ("h", 3600), ("m", 60), ("s", 1))
_NUMBER = r"(\d+(?:\.\d+)?)"
# Largest unit first, each at most once: "1h30m" reads one way only, "30m1h" is refused.
_PATTERN = re.compile("".join(rf"(?:{_NUMBER}{unit})?" for unit, _ in _UNITS))
_PLAIN = re.compile(_NUMBER)


def parse_duration(value: object) -> float:
    """Seconds in value: a number of seconds, or text like "90s", "10m", "6h", "1h30m"."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    elif isinstance(value, str):
        seconds = _parse_text(value.strip())
    else:
        raise ValueError(f"not a duration: {value!r}")
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"not a duration: {value!r}")
    return seconds


def _parse_text(text: str) -> float:
    """Seconds in a duration string; a bare number counts as seconds."""
    if _PLAIN.fullmatch(text):
        return float(text)
    match = _PATTERN.fullmatch(text)
    if not text or match is None:
        raise ValueError(f"not a duration: {text!r}")
    pairs = zip(match.groups(), _UNITS, strict=True)
    return sum(float(amount) * size for amount, (_, size) in pairs if amount is not None)


def format_duration(seconds: float) -> str:
    """The shortest text parse_duration reads back: 5400 -> "1h30m", 90 -> "1m30s"."""
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"not a duration: {seconds!r}")
    whole = int(seconds)
    fraction = seconds - whole
    parts: list[str] = []
    for unit, size in _UNITS[:-1]:
        amount, whole = divmod(whole, size)
        if amount:
            parts.append(f"{amount}{unit}")
    rest = f"{whole + fraction:.3f}".rstrip("0").rstrip(".")
    if rest != "0":
        parts.append(f"{rest}s")
    return "".join(parts) or "0s"
