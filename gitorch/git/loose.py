"""A branch's newest commits read from their loose object files, with no git process.

After each phase a runner checks that the post-commit hook reported every commit its
branch gained since the base. The commits an agent just made are loose objects, a
zlib-compressed file each: when the branch reaches its base through such commits, one
parent each, the range is known without asking git. Anything else (a packed commit, a
merge, a long range, replaced or grafted history) is left to git: None says so.
"""

from __future__ import annotations

import zlib
from pathlib import Path

from gitorch.git.reffiles import has_replace_refs

MAX_WALK = 64  # commits followed before git is asked instead


def loose_chain(common_dir: Path, base: str, tip: str) -> list[str] | None:
    """base..tip newest first, when each of its commits is a loose object with one parent
    and the last one's parent is base; else None."""
    if _history_rewritten(common_dir):
        return None
    chain: list[str] = []
    commit = tip
    while commit != base:
        parents = _parents(common_dir, commit) if len(chain) < MAX_WALK else None
        if parents is None or len(parents) != 1:
            return None
        chain.append(commit)
        commit = parents[0]
    return chain


def _parents(common_dir: Path, commit: str) -> list[str] | None:
    """The parents of a commit stored loose, or None if it is not (or not a commit)."""
    try:
        data = zlib.decompress((common_dir / "objects" / commit[:2] / commit[2:]).read_bytes())
    except (OSError, ValueError, zlib.error):
        return None
    header, _, body = data.partition(b"\0")
    if not header.startswith(b"commit "):
        return None
    lines = body.split(b"\n")
    if not lines[0].startswith(b"tree "):
        return None
    parents = []
    for line in lines[1:]:
        if not line.startswith(b"parent "):
            break
        parents.append(line.removeprefix(b"parent ").decode("ascii", "replace"))
    return parents


def _history_rewritten(common_dir: Path) -> bool:
    """Whether replace refs or grafts may make git's history differ from the objects'."""
    return has_replace_refs(common_dir) or (common_dir / "info" / "grafts").exists()
