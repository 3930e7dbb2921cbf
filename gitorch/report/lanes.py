"""Which lane each bar goes on, and why a lane sat idle between its bars."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from itertools import pairwise

from gitorch.report.model import Bar, Gap, Mark

MIN_GAP = 0.05  # seconds; shorter pauses are the scheduler's own reaction time
NOT_READY = "no track was ready"


def assign_lanes(bars: Sequence[Bar]) -> int:
    """Put every bar on a lane so no lane holds two at one instant; the number of lanes.

    Recorded slots are kept when they never overlap; otherwise each bar takes the lowest
    lane free at its start, which needs no more lanes than bars ever ran at once.
    """
    if bars and all(b.slot is not None for b in bars) and _disjoint(bars):
        for bar in bars:
            bar.lane = bar.slot or 0
        return max(b.lane for b in bars) + 1
    free_at: list[float] = []
    for bar in sorted(bars, key=lambda b: (b.start, b.end)):
        lane = next((i for i, end in enumerate(free_at) if end <= bar.start), len(free_at))
        if lane == len(free_at):
            free_at.append(bar.end)
        free_at[lane] = bar.end
        bar.lane = lane
    return len(free_at)


def _disjoint(bars: Sequence[Bar]) -> bool:
    by_slot: dict[int | None, list[Bar]] = {}
    for bar in bars:
        by_slot.setdefault(bar.slot, []).append(bar)
    for group in by_slot.values():
        group.sort(key=lambda b: b.start)
        if any(a.end > b.start for a, b in pairwise(group)):
            return False
    return True


def idle_gaps(bars: Sequence[Bar], marks: Sequence[Mark], lanes: int, begin: float,
              end: float, depends: dict[str, tuple[str, ...]], live: bool) -> list[Gap]:
    """The idle stretches of every lane, each with the likeliest reason."""
    landings = [m for m in marks if m.kind == "landing"]
    by_track: dict[str, list[Bar]] = {}
    by_lane: dict[int, list[Bar]] = {}
    for each in bars:
        by_track.setdefault(each.track, []).append(each)
        by_lane.setdefault(each.lane, []).append(each)
    ends = _Ends(bars)
    gaps = []
    for lane in range(lanes):
        own = sorted(by_lane.get(lane, []), key=lambda b: b.start)
        cursor = begin
        for bar in [*own, None]:
            until = end if bar is None else bar.start
            if until - cursor >= MIN_GAP:
                why = _reason(bar, cursor, until, by_track, ends, landings, depends, live)
                if cursor == begin and why == NOT_READY:
                    why = "the run was starting"
                gaps.append(Gap(lane, cursor, until, why))
            if bar is not None:
                cursor = max(cursor, bar.end)
    return gaps


class _Ends:
    """The bars by the time they ended, to ask which tracks ended within a stretch."""

    def __init__(self, bars: Sequence[Bar]) -> None:
        pairs = sorted((b.end, b.track) for b in bars)
        self.times = [t for t, _ in pairs]
        self.tracks = [track for _, track in pairs]

    def between(self, start: float, end: float) -> list[str]:
        return self.tracks[bisect_left(self.times, start):bisect_right(self.times, end)]


def _reason(after: Bar | None, start: float, end: float, by_track: dict[str, list[Bar]],
            ends: _Ends, landings: Sequence[Mark], depends: dict[str, tuple[str, ...]],
            live: bool) -> str:
    if after is None:
        return "waiting for work" if live else "nothing left to start"
    track = after.track
    earlier = [b for b in by_track[track] if b.end <= after.start]
    if earlier and earlier[-1].outcome == "rate-limited":
        return f"usage limit ({track})"
    if any(b.outcome == "failed" for b in earlier):
        return f"retry back-off for {track}"
    needed = set(depends.get(track, ()))
    landed = [m for m in landings if start <= m.time <= end and needed & set(m.tracks)]
    if landed:
        # The last of those landings is the one that let the track start.
        names = sorted(needed & set(landed[-1].tracks))
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        return f"{track} waited for {shown} to land"
    if needed and any(t in needed for t in ends.between(start, end)):
        return f"{track} waited for its dependencies"
    if any(start <= m.time <= end for m in landings):
        return "waiting on a landing"
    if earlier:
        return f"{track} was resumed"
    return NOT_READY
