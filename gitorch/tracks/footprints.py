"""Which files each track will touch (predicted from its body) and has touched (live).

The predicted footprint matches the paths a track's body names against the tree of main;
the live one is every path the track's commits changed, as the post-commit hook reported
them, so reading it runs no git at all. Two footprints overlap when they share a path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from contextlib import suppress
from functools import lru_cache
from typing import Any

from gitorch import __version__, git
from gitorch.disk import DiskFull
from gitorch.names import TrackId
from gitorch.project import Project
from gitorch.roadmap.footprint import Tree, match, named_paths, overlap
from gitorch.roadmap.model import Roadmap
from gitorch.state import StateDir, read_json, write_json
from gitorch.tracks.events import read_events

Footprint = frozenset[str]
_COMMIT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


@lru_cache(maxsize=4)
def _tree(paths: git.RepoPaths, commit: str) -> Tree:
    return Tree.of(git.tree_files(paths, commit))


def predicted_footprints(project: Project, roadmap: Roadmap, rev: str | None = None
                         ) -> dict[str, tuple[str, ...]]:
    """Each track's predicted footprint, by track id: the files of main (or rev) its body names.

    Runs git only when some body names a path, and lists a tree once per commit (the
    scheduler, which asks often, passes main's commit id, so that nothing needs resolving).
    The last answer is kept in the state folder with the commit and the bodies' paths it is
    of: listing 20,000 files and matching them takes ~15 ms a `gitorch status`.
    """
    named = {track.id: _named(track.body) for track in roadmap.tracks()}
    if not any(named.values()):
        return {track_id: () for track_id in named}
    commit = rev if rev and _COMMIT_ID.fullmatch(rev) else git.resolve(
        project.paths, rev or project.main_branch)
    if commit is None:
        return {track_id: match(names, Tree.of(())) for track_id, names in named.items()}
    key = {"gitorch": __version__, "commit": commit,
           "named": {track_id: list(names) for track_id, names in named.items()}}
    saved = _saved_footprints(project.state, key)
    if saved is not None:
        return saved
    tree = _tree(project.paths, commit)
    found = {track_id: match(names, tree) for track_id, names in named.items()}
    _save_footprints(project.state, key, found)
    return found


def _save_footprints(state: StateDir, key: dict[str, Any],
                     found: dict[str, tuple[str, ...]]) -> None:
    """Keep found for the next caller; only where `gitorch init` made the state folder."""
    if not state.root.is_dir():
        return
    # A state folder gitorch may not write to, or a full disk, costs only the cache.
    with suppress(OSError, DiskFull):
        write_json(state.predicted_footprints, {"of": key, "footprints": found})


def _saved_footprints(state: StateDir, key: dict[str, Any]) -> dict[str, tuple[str, ...]] | None:
    """The footprints saved for key, or None if what is saved is of something else."""
    saved = read_json(state.predicted_footprints)
    if saved is None or saved.get("of") != key:
        return None
    found = saved.get("footprints")
    if not isinstance(found, dict) or found.keys() != key["named"].keys():
        return None
    return {track_id: tuple(paths) for track_id, paths in found.items()}


@lru_cache(maxsize=1024)
def _named(body: str) -> tuple[str, ...]:
    return named_paths(body)


def live_footprint(state: StateDir, track: TrackId) -> Footprint:
    """Every path the track's commits changed, as the hook reported them."""
    return frozenset(path for event in read_events(state, track) for path in event.paths)


def overlaps(footprints: Mapping[str, Iterable[str]]) -> dict[str, dict[str, tuple[str, ...]]]:
    """For each track, the other tracks it shares paths with, and those paths."""
    found: dict[str, dict[str, tuple[str, ...]]] = {}
    items = sorted((track, frozenset(paths)) for track, paths in footprints.items())
    for index, (one, mine) in enumerate(items):
        for other, theirs in items[index + 1:]:
            shared = overlap(mine, theirs)
            if shared:
                found.setdefault(one, {})[other] = shared
                found.setdefault(other, {})[one] = shared
    return found
