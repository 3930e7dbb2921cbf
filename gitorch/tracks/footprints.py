"""Which files each track will touch (predicted from its body) and has touched (live).

The predicted footprint matches the paths a track's body names against the tree of main;
the live one is every path the track's commits changed, as the post-commit hook reported
them, so reading it runs no git at all. Two footprints overlap when they share a path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

from gitorch import git
from gitorch.names import TrackId
from gitorch.project import Project
from gitorch.roadmap.footprint import Tree, match, named_paths, overlap
from gitorch.roadmap.model import Roadmap
from gitorch.state import StateDir
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
    """
    named = {track.id: _named(track.body) for track in roadmap.tracks()}
    if not any(named.values()):
        return {track_id: () for track_id in named}
    commit = rev if rev and _COMMIT_ID.fullmatch(rev) else git.resolve(
        project.paths, rev or project.main_branch)
    tree = _tree(project.paths, commit) if commit else Tree.of(())
    return {track_id: match(names, tree) for track_id, names in named.items()}


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
