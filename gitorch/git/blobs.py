"""The sizes of the files a range of commits brings, read from the objects, not a checkout."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from gitorch.git import git


def files_larger_than(repo: Path, tips: Sequence[str], known: Sequence[str], threshold: int
                      ) -> list[tuple[str, int]]:
    """(path, size) of each file reachable from tips but not from known and larger than
    threshold, largest first: one `rev-list --objects` and one `cat-file --batch-check`."""
    if not tips:
        return []
    listed = git(["rev-list", "--objects", *tips, "--not", *known, "--"], repo).stdout
    paths: dict[str, str] = {}
    for line in listed.splitlines():
        oid, _, path = line.partition(" ")
        paths.setdefault(oid, path)
    if not paths:
        return []
    checked = git(["cat-file", "--batch-check=%(objectname) %(objecttype) %(objectsize)"],
                  repo, input="".join(f"{oid}\n" for oid in paths)).stdout
    large = [(paths[oid], int(size)) for oid, kind, size in
             (line.split() for line in checked.splitlines())
             if kind == "blob" and int(size) > threshold]
    return sorted(large, key=lambda item: (-item[1], item[0]))
