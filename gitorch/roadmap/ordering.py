"""The order a form implies between a group's tracks: Spec Kit's [P], GSD's waves."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from gitorch.roadmap.assemble import TrackDraft

# A bold line of its own: "**Wave 2**", "**Wave 2:** (after wave 1)". Prose is not one.
WAVE = re.compile(r"(?P<em>\*\*|__)(?i:wave)[ \t]+(?P<n>[0-9]{1,4})[ \t]*:?(?P=em)[^\n]{0,80}")


@dataclass
class Item:
    """A track's place in its group, for the orders forms imply."""

    track: TrackDraft
    parallel: bool
    weak: bool  # read from a checkbox or an id, not a track word: gives way to track words
    wave: int | None = None  # GSD's **Wave N** it is listed under


def speckit_order(items: list[Item]) -> None:
    """[P] tasks run beside each other; a task without it waits on every task above it."""
    serial: TrackDraft | None = None
    since: list[TrackDraft] = []
    for item in items:
        track = item.track
        if item.parallel:
            if serial is not None:
                track.deps.insert(0, (f"{serial.number}", track.line))
            since.append(track)
            continue
        # Waiting on the [P] tasks since the last serial one covers every task above.
        before = since or ([serial] if serial else [])
        track.deps[:0] = [(t.number, track.line) for t in before]
        serial, since = track, []


def wave_order(items: list[Item]) -> None:
    """Each track of wave N+1 waits on every track of wave N (GSD's **Wave N** lists)."""
    waves: dict[int, list[TrackDraft]] = {}
    for item in items:
        if item.wave is not None:
            waves.setdefault(item.wave, []).append(item.track)
    numbers = sorted(waves)
    for before, after in itertools.pairwise(numbers):
        for track in waves[after]:
            track.deps[:0] = [(t.number, track.line) for t in waves[before]
                              if (t.number, track.line) not in track.deps]
