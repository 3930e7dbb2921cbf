"""Refs read from their files, as git's files backend keeps them, with no git process.

A runner asks where its branch, its wip ref and main are before and after every phase;
each ask was one git process. A plain ref is one line in its loose file under the common
git dir, or, when it has none, a line of `packed-refs`. Anything else (a symbolic ref, a
damaged file, a per-worktree ref, the reftable backend) is left to git: None says so.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from gitorch.state import COMMIT_ID

# Refs kept in each worktree's own git dir, not the common one.
PER_WORKTREE = ("refs/worktree/", "refs/bisect/", "refs/rewritten/")

# packed-refs as last parsed, by file: its stat then, and ref -> id.
_PACKED: dict[Path, tuple[tuple[int, int, int], dict[str, str]]] = {}
# The last packed-refs found to hold replace refs, or not, by file: its stat then.
_REPLACES: dict[Path, tuple[tuple[int, int, int], bool]] = {}


def read_refs(common_dir: Path, refs: Sequence[str]) -> dict[str, str] | None:
    """Each of refs (full names) that exists, mapped to the id it holds; None when the
    files cannot tell and git must be asked."""
    if (common_dir / "reftable").exists():
        return None
    found: dict[str, str] = {}
    for ref in refs:
        if not ref.startswith("refs/") or ref.startswith(PER_WORKTREE) or ".." in ref:
            return None
        # The loose file first: it wins over packed-refs, and pack-refs writes packed-refs
        # before it deletes the loose files, so a ref being packed is in one or the other.
        try:
            data = (common_dir / ref).read_bytes()
        except FileNotFoundError:
            packed = _packed(common_dir)
            if packed is None:
                return None
            if ref in packed:
                found[ref] = packed[ref]
            continue
        except OSError:
            return None
        oid = data.decode("ascii", "replace").removesuffix("\n")
        if not COMMIT_ID.fullmatch(oid):
            return None  # symbolic, or damaged: git's words on it are better than ours
        found[ref] = oid
    return found


def _packed(common_dir: Path) -> dict[str, str] | None:
    """packed-refs as ref -> id ({} when there is none), parsed again only when it changed."""
    path = common_dir / "packed-refs"
    try:
        with open(path, "rb") as file:
            stat = os.fstat(file.fileno())
            stamp = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
            kept = _PACKED.get(path)
            if kept is not None and kept[0] == stamp:
                return kept[1]
            text = file.read().decode("utf-8", "replace")
    except FileNotFoundError:
        return {}
    except OSError:
        return None
    refs = {}
    for line in text.splitlines():
        if line.startswith(("#", "^")):
            continue  # the header, and the peeled id of the tag above
        oid, _, ref = line.partition(" ")
        if not COMMIT_ID.fullmatch(oid) or not ref:
            return None
        refs[ref] = oid
    _PACKED[path] = (stamp, refs)
    return refs


def has_replace_refs(common_dir: Path) -> bool:
    """Whether the repository has refs under refs/replace/ (loose or packed), which make
    git show other objects in their place; True when that cannot be told."""
    loose = common_dir / "refs" / "replace"
    try:
        if loose.is_dir() and any(loose.iterdir()):
            return True
    except OSError:
        return True
    path = common_dir / "packed-refs"
    try:
        stat = path.stat()
    except FileNotFoundError:
        return False
    except OSError:
        return True
    stamp = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    kept = _REPLACES.get(path)
    if kept is None or kept[0] != stamp:
        packed = _packed(common_dir)
        kept = (stamp, packed is None or any(ref.startswith("refs/replace/") for ref in packed))
        _REPLACES[path] = kept
    return kept[1]
