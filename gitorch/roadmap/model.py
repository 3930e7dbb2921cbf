"""The roadmap as data: groups of tracks, their states, and which may run now."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from gitorch.errors import GitorchError

if TYPE_CHECKING:  # the line reader's patterns: not for reading a roadmap kept parsed
    from gitorch.roadmap.lines import Status

TrackState = Literal["done", "pending", "blocked"]


class RoadmapError(GitorchError):
    """The roadmap cannot be read; the message starts with `<path>:<line>: ` or `<path>: `."""


@dataclass(frozen=True)
class Track:
    """One track: a unit of work for one agent in its own worktree."""

    group: str
    number: str  # the track's own id as written: 1, T012, 04-01
    title: str
    body: str
    status: Status
    depends_on: tuple[str, ...]
    line: int

    @property
    def id(self) -> str:
        """The track id, e.g. "E/1"."""
        return f"{self.group}/{self.number}"

    @property
    def done(self) -> bool:
        """Whether the roadmap marks this track done."""
        return self.status == "done"


@dataclass(frozen=True)
class Group:
    """One group of tracks that may be built side by side."""

    id: str
    title: str
    status: Status
    line: int
    tracks: tuple[Track, ...]
    named: tuple[str, ...]  # the prerequisite groups its plan names
    # Every line that marks this group done: a heading, and in GSD also its summary item.
    marks: tuple[int, ...] = ()
    # The group directly above. A group that names no prerequisites waits on it and on every
    # group above that one: one link each, where a list of every group above would make a
    # plan of thousands of groups quadratic to read and to schedule.
    above: Group | None = field(default=None, repr=False, compare=False)
    after_above: bool = False

    @property
    def prerequisites(self) -> tuple[str, ...]:
        """The groups it waits on, in file order: those named, else every group above."""
        if not self.after_above:
            return self.named
        ids = []
        group = self.above
        while group is not None:
            ids.append(group.id)
            group = group.above
        return tuple(reversed(ids))

    @property
    def done(self) -> bool:
        """Marked done, or has tracks and all of them are done."""
        return self.status == "done" or (bool(self.tracks) and all(t.done for t in self.tracks))


@dataclass(frozen=True)
class Roadmap:
    """The parsed roadmap, and which tracks may run given which have landed."""

    path: str
    groups: tuple[Group, ...]
    form: str = "tracks"  # which form the file was read as: tracks, speckit, gsd, checklist
    passed_over: tuple[tuple[int, str, str], ...] = ()  # (line, heading, why) not read as work
    _by_id: dict[str, Group | Track] = field(init=False, repr=False, compare=False)
    _position: dict[str, int] = field(init=False, repr=False, compare=False)
    # For a set of landed tracks, the positions of the groups not done: asked once a tick.
    _open: dict[frozenset[str], list[int]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Lookups by id stay cheap for the scheduler's many questions about big roadmaps.
        index: dict[str, Group | Track] = {f"Group {g.id}": g for g in self.groups}
        index.update((t.id, t) for t in self.tracks())
        object.__setattr__(self, "_by_id", index)
        object.__setattr__(self, "_position", {g.id: i for i, g in enumerate(self.groups)})
        object.__setattr__(self, "_open", {})

    def group(self, group_id: str) -> Group:
        """The group with this id."""
        found = self._by_id.get(f"Group {group_id}")
        if isinstance(found, Group):
            return found
        raise RoadmapError(f"{self.path}: no group {shown(group_id)}")

    def track(self, track_id: str) -> Track:
        """The track with this id, e.g. "E/1"."""
        found = self._by_id.get(track_id)
        if isinstance(found, Track):
            return found
        raise RoadmapError(f"{self.path}: no track {shown(track_id)}")

    def tracks(self) -> tuple[Track, ...]:
        """Every track, in file order."""
        return tuple(track for group in self.groups for track in group.tracks)

    def current_group(self) -> Group | None:
        """The first group not done; None when all are."""
        for group in self.groups:
            if not group.done:
                if not group.tracks:
                    raise RoadmapError(f"{self.path}:{group.line}: group {group.id} has no tracks")
                return group
        return None

    def group_ready(self, group_id: str, landed: frozenset[str] = frozenset()) -> bool:
        """Whether every prerequisite group of this group is done."""
        group = self.group(group_id)
        if group.after_above:
            open_groups = self._open_groups(landed)
            return not open_groups or open_groups[0] >= self._position[group.id]
        return not self._waiting_groups(group, landed)

    def track_state(self, track_id: str, landed: frozenset[str] = frozenset()) -> TrackState:
        """done (marked or landed), blocked (waiting on a group or track), or pending."""
        track = self.track(track_id)
        if track.done or track.id in landed:
            return "done"
        waiting = any(not (self.track(dep).done or dep in landed) for dep in track.depends_on)
        return "blocked" if waiting or not self.group_ready(track.group, landed) else "pending"

    def ready_tracks(self, landed: frozenset[str] = frozenset()) -> tuple[Track, ...]:
        """Every pending track: the current group's first, then later ready groups'."""
        first = next((i for i, g in enumerate(self.groups) if not self.group_done(g, landed)), None)
        if first is None:
            return ()
        return tuple(track for group in self.groups[first:] for track in group.tracks
                     if self.track_state(track.id, landed) == "pending")

    def waiting_on(self, track_id: str, landed: frozenset[str] = frozenset()) -> tuple[str, ...]:
        """Unfinished dependencies ("E/1") and prerequisite groups ("Group C") of a track."""
        track = self.track(track_id)
        if track.done or track.id in landed:
            return ()
        tracks = [dep for dep in track.depends_on
                  if not (self.track(dep).done or dep in landed)]
        groups = self._waiting_groups(self.group(track.group), landed)
        return (*tracks, *(f"Group {group_id}" for group_id in groups))

    def _waiting_groups(self, group: Group, landed: frozenset[str]) -> list[str]:
        if group.after_above:
            open_groups = self._open_groups(landed)
            above = bisect.bisect_left(open_groups, self._position[group.id])
            return [self.groups[i].id for i in open_groups[:above]]
        return [p for p in group.named if not self.group_done(self.group(p), landed)]

    def _open_groups(self, landed: frozenset[str]) -> list[int]:
        """The positions of the groups not done, in file order."""
        found = self._open.get(landed)
        if found is None:
            if len(self._open) >= 8:
                self._open.clear()  # landed grows as a run goes: old sets are not asked again
            found = self._open[landed] = [i for i, g in enumerate(self.groups)
                                          if not self.group_done(g, landed)]
        return found

    @staticmethod
    def group_done(group: Group, landed: frozenset[str] = frozenset()) -> bool:
        """Whether group is marked done, or has tracks and all are done or landed."""
        return group.status == "done" or (
            bool(group.tracks) and all(t.done or t.id in landed for t in group.tracks))


def shown(text: str, limit: int = 40) -> str:
    """Text from outside (a command line, say) made safe and short for a one-line message."""
    if len(text) > limit:
        text = text[:limit - 1] + "\u2026"
    return re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", "?", text)
