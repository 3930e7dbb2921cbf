"""Sizes as people write them in config: 512KB, 10MB, 1.5GB, or a number of bytes."""

from __future__ import annotations

import re

# Powers of 1024, as git (core.bigFileThreshold) and GitHub's file limits count them.
_UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1024, "kib": 1024, "m": 1024**2, "mb": 1024**2,
          "mib": 1024**2, "g": 1024**3, "gb": 1024**3, "gib": 1024**3}
_PATTERN = re.compile(r"(\d+(?:\.\d+)?)\s*([A-Za-z]*)")


def parse_size(value: object) -> int:
    """Bytes in value: a whole number of bytes, or text like "512KB", "10MB", "1.5GB"."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    match = _PATTERN.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None or match.group(2).lower() not in _UNITS:
        raise ValueError(f"not a size: {value!r}")
    return int(float(match.group(1)) * _UNITS[match.group(2).lower()])


def format_size(size: int) -> str:
    """A size for people, in the largest unit it reaches: 2048 -> "2KB", 1536 -> "1.5KB"."""
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + unit
    return f"{size}B"
