"""Tokens and cost an agent reported: per phase in the track record, summed for status."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from gitorch.state import whole

KEYS = ("input_tokens", "output_tokens", "cached_tokens")
# Past these a recorded figure is damage: summed and printed, it would overflow a float.
TOKENS_MAX = 10**15
COST_MAX = 10**9


@dataclass(frozen=True)
class Usage:
    """What one or more agent runs spent.

    input_tokens counts every prompt token, the cached ones included; cached_tokens is the
    part read from a cache. cost_usd is None when no run reported a cost.
    """

    input_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int = 0
    cost_usd: float | None = None

    def __add__(self, other: Usage) -> Usage:
        costs = [c for c in (self.cost_usd, other.cost_usd) if c is not None]
        return Usage(self.input_tokens + other.input_tokens,
                     self.output_tokens + other.output_tokens,
                     self.cached_tokens + other.cached_tokens,
                     round(sum(costs), 6) if costs else None)

    def __sub__(self, other: Usage) -> Usage:
        """What was spent since other was read (never below nothing)."""
        cost = None if self.cost_usd is None else round(
            max(0.0, self.cost_usd - (other.cost_usd or 0.0)), 6)
        return Usage(max(0, self.input_tokens - other.input_tokens),
                     max(0, self.output_tokens - other.output_tokens),
                     max(0, self.cached_tokens - other.cached_tokens), cost)

    def __bool__(self) -> bool:
        return any((self.input_tokens, self.output_tokens, self.cached_tokens, self.cost_usd))

    def as_json(self) -> dict[str, Any]:
        return {"input_tokens": self.input_tokens, "output_tokens": self.output_tokens,
                "cached_tokens": self.cached_tokens, "cost_usd": self.cost_usd}

    @classmethod
    def from_json(cls, document: object) -> Usage:
        """Read back as_json's dict; anything damaged counts as nothing spent."""
        if not isinstance(document, Mapping):
            return cls()
        counts = [whole(document.get(key), 0, TOKENS_MAX) for key in KEYS]
        if None in counts:
            return cls()
        given, made, cached = (n or 0 for n in counts)
        return cls(given, made, cached, figure("cost_usd", document.get("cost_usd")))

    def text(self) -> str:
        """Compact, for a person: `3.1k in (400 cached), 112 out, $0.0100`."""
        words = f"{_count(self.input_tokens)} in"
        if self.cached_tokens:
            words += f" ({_count(self.cached_tokens)} cached)"
        words += f", {_count(self.output_tokens)} out"
        if self.cost_usd is not None:
            words += f", ${self.cost_usd:.4f}"
        return words


def figure(key: str, value: object) -> float | None:
    """A token count or a cost (by its key) read from a record, or None if out of range."""
    if "cost" in key:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None
        return float(value) if 0 <= value <= COST_MAX else None  # NaN is neither
    return whole(value, 0, TOKENS_MAX)


def total(usages: Iterable[Usage]) -> Usage:
    summed = Usage()
    for usage in usages:
        summed = summed + usage
    return summed


def record_total(per_phase: Mapping[str, object]) -> Usage:
    """A track record's usage (phase name -> as_json dict) summed over its phases."""
    return total(Usage.from_json(each) for each in per_phase.values())


def _count(n: int) -> str:
    return f"{n / 1000:.1f}k" if n >= 10_000 else str(n)
