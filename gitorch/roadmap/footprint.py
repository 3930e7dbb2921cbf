"""A track's predicted footprint: the files its body names, found in the tree of main.

A body names a file (`core/analysis/library/registry.py`, or just `registry.py` when only
one file has that name) or a folder (`core/analysis/`, meaning every file under it). Words
that only look like paths (`e.g.`, `v1.2`, a URL) match nothing in the tree, so they cost
nothing. Pure text and lists: the tree's paths come from the caller.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

# A path-like word: letters, digits and . _ - / with a slash or a dotted extension in it.
_WORD = re.compile(r"(?<![\w./-])(?:\.{0,2}/)?[\w.-]+(?:/[\w.-]+)*/?")
_EXTENSION = re.compile(r"[A-Za-z][\w-]*")
_LONGEST = 4096  # no real path is longer; a longer word is not looked at
_URL = re.compile(r"\b[a-z][a-z0-9+.-]{0,31}://\S*", re.IGNORECASE)  # bounded: linear


def named_paths(body: str) -> tuple[str, ...]:
    """The path-like words of a track body, in order, each once."""
    found: dict[str, None] = {}
    for word in _WORD.findall(_URL.sub(" ", body)):
        word = word.rstrip(".").removeprefix("./")
        if word.startswith(("/", "../")) or not word.strip("./") or len(word) > _LONGEST:
            continue
        extension = word.rpartition("/")[2].rpartition(".")[2] if "." in word else ""
        if "/" in word or _EXTENSION.fullmatch(extension):
            found[word] = None
    return tuple(found)


@dataclass(frozen=True)
class Tree:
    """The files of one tree, indexed for the lookups a footprint makes."""

    files: frozenset[str]
    _sorted: tuple[str, ...] = field(compare=False, repr=False)

    @classmethod
    def of(cls, paths: Iterable[str]) -> Tree:
        # git lists a tree in sorted order already, which makes this sort cheap.
        ordered = tuple(dict.fromkeys(sorted(paths)))
        return cls(frozenset(ordered), ordered)

    def under(self, folder: str) -> list[str]:
        # The paths under a folder are one run of the sorted list: found by bisection, not
        # by a scan of every file for each folder a body names.
        prefix = folder.rstrip("/") + "/"
        start = bisect_left(self._sorted, prefix)
        end = start
        while end < len(self._sorted) and self._sorted[end].startswith(prefix):
            end += 1
        return list(self._sorted[start:end])

    @cached_property
    def _by_name(self) -> dict[str, list[str]]:
        """The files by their last path component; built only when a bare name is looked up."""
        by_name: dict[str, list[str]] = {}
        for path in self._sorted:
            by_name.setdefault(path.rsplit("/", 1)[-1], []).append(path)
        return by_name

    def ending(self, name: str) -> list[str]:
        """Files whose path ends with name at a slash (a unique bare file name counts)."""
        candidates = self._by_name.get(name.rsplit("/", 1)[-1], [])
        if "/" not in name:
            return candidates if len(candidates) == 1 else []
        return [path for path in candidates if path.endswith("/" + name)]


def match(named: Sequence[str], tree: Tree) -> tuple[str, ...]:
    """The files of tree that the named paths point at, sorted."""
    hits: set[str] = set()
    for name in named:
        if name.endswith("/"):
            hits.update(tree.under(name))
        elif name in tree.files:
            hits.add(name)
        else:
            hits.update(tree.under(name) or tree.ending(name))
    return tuple(sorted(hits))


def overlap(one: Iterable[str], other: Iterable[str]) -> tuple[str, ...]:
    """The paths two footprints share, sorted."""
    return tuple(sorted(set(one) & set(other)))
