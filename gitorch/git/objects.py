"""Objects in memory for land's replay: raw trees and commits read through one
`git cat-file --batch` per repository, and merges through git's own `merge-tree`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from gitorch import process
from gitorch.errors import GitorchError
from gitorch.git import git, version
from gitorch.git.pack import PendingObjects

TREE_MODE = 0o040000
_COMMIT_TYPE, _TREE_TYPE, _BLOB_TYPE = 1, 2, 3  # git's numbers, as packs write them
_TYPE_NUMBERS = {b"commit": _COMMIT_TYPE, b"tree": _TREE_TYPE, b"blob": _BLOB_TYPE, b"tag": 4}
_TREE_ENTRY = re.compile(rb"(\d+) ([^\0]*)\0(.{20})", re.DOTALL)
# Throwaway merge-base commits carry a fixed identity and date so the same tree always
# makes the same object.
_THROWAWAY_SIGNATURE = b"gitorch <gitorch@localhost> 0 +0000"


class TreeEntry(NamedTuple):
    """One entry of a tree object: mode (0o100644, 0o100755, 0o120000, TREE_MODE...) and id."""

    mode: int
    oid: str


@dataclass(frozen=True)
class CommitInfo:
    """The tree and parents of one commit."""

    tree: str
    parents: tuple[str, ...]


@dataclass(frozen=True)
class TreeMerge:
    """git's three-way merge: the merged tree, or None and the paths it left in conflict."""

    tree: str | None
    conflicts: tuple[str, ...]


@lru_cache(maxsize=8)
def _stored(repo: Path) -> process.Piped:
    """The objects already in repo: one `git cat-file --batch`, kept running.

    It finds objects written after it started too: git looks again for new packs when an
    object is not in the ones it knows.
    """
    return process.Piped(["git", "cat-file", "--batch"], repo)


def forget_readers() -> None:
    """Drop the cat-file processes and pending objects of this process (a forked child's
    belong to its parent)."""
    _stored.cache_clear()
    _pending.cache_clear()


@lru_cache(maxsize=8)
def _pending(repo: Path) -> PendingObjects:
    return PendingObjects()


@lru_cache(maxsize=8)
def _objects_dir(repo: Path) -> Path:
    out = git(["rev-parse", "--path-format=absolute", "--git-common-dir"], repo).stdout
    return Path(out.strip()) / "objects"


def _body_size(header: bytes) -> int:
    """How many bytes follow cat-file's header line: the object and a newline (none if missing)."""
    fields = header.split()
    return int(fields[2]) + 1 if len(fields) == 3 else 0


def _read_any(repo: Path, oid: str) -> tuple[int, bytes]:
    found = _pending(repo).get(oid)
    return found if found is not None else _read_stored(repo, oid)


@lru_cache(maxsize=4096)
def _read_stored(repo: Path, oid: str) -> tuple[int, bytes]:
    """An object on disk; kept, as an id always names the same object (a replay reads each
    commit and the trees along its paths more than once).
    """
    header, body = _stored(repo).ask(oid.encode() + b"\n", _body_size)
    fields = header.split()
    if len(fields) != 3:
        raise GitorchError(f"object {oid} is not in the repository at {repo}")
    return _TYPE_NUMBERS[fields[1]], body[:-1]


def _read_object(repo: Path, oid: str, kind: int) -> bytes:
    found, data = _read_any(repo, oid)
    if found != kind:
        raise GitorchError(f"{oid} is not a {'tree' if kind == _TREE_TYPE else 'commit'}")
    return data


def _write_object(repo: Path, kind: int, data: bytes) -> str:
    return _pending(repo).add(kind, data)


def flush(repo: Path) -> None:
    """Put every object written so far on disk (one pack), before git is asked about them."""
    pending = _pending(repo)
    if pending.unwritten:
        pending.flush(_objects_dir(repo))


def read_commit(repo: Path, oid: str) -> CommitInfo:
    """The tree and parents of commit oid."""
    lines = iter(_read_object(repo, oid, _COMMIT_TYPE).split(b"\n"))
    tree = next(lines).removeprefix(b"tree ").decode()  # always the first line
    parents = []
    for line in lines:  # the parents follow it
        if not line.startswith(b"parent "):
            break
        parents.append(line[7:].decode())
    return CommitInfo(tree, tuple(parents))


def read_tree(repo: Path, tree: str) -> dict[str, TreeEntry]:
    """The entries of one tree object (not recursive), by name."""
    return {
        name.decode("utf-8", "surrogateescape"): TreeEntry(int(mode, 8), oid.hex())
        for mode, name, oid in _TREE_ENTRY.findall(_read_object(repo, tree, _TREE_TYPE))
    }


def write_tree(repo: Path, entries: Mapping[str, TreeEntry]) -> str:
    """Write one tree object holding entries (in git's order) and return its id."""
    encoded = [(name.encode("utf-8", "surrogateescape"), entry) for name, entry in entries.items()]
    # git sorts a tree as if each subtree's name ended in "/".
    encoded.sort(key=lambda item: item[0] + b"/" if item[1].mode == TREE_MODE else item[0])
    data = b"".join(b"%o %s\0%s" % (entry.mode, name, bytes.fromhex(entry.oid))
                    for name, entry in encoded)
    return _write_object(repo, _TREE_TYPE, data)


def write_replayed_commit(repo: Path, original: str, tree: str, parent: str) -> str:
    """A copy of commit original on a new tree and parent; returns its id.

    Author, committer, encoding and message are kept byte for byte (so a replay is
    deterministic); a signature would no longer verify and is dropped, as `git rebase` does.
    """
    header, _, message = _read_object(repo, original, _COMMIT_TYPE).partition(b"\n\n")
    kept = [line for line in header.split(b"\n")
            if line.startswith((b"author ", b"committer ", b"encoding "))]
    data = b"tree %s\nparent %s\n%s\n\n%s" % (tree.encode(), parent.encode(),
                                              b"\n".join(kept), message)
    return _write_object(repo, _COMMIT_TYPE, data)


def read_file_at(repo: Path, commit: str, path: str) -> bytes | None:
    """The bytes of path (a file, "/"-separated) in commit's tree, or None if it is not one."""
    tree = read_commit(repo, commit).tree
    *folders, name = path.split("/")
    for folder in folders:
        entry = read_tree(repo, tree).get(folder)
        if entry is None or entry.mode != TREE_MODE:
            return None
        tree = entry.oid
    entry = read_tree(repo, tree).get(name)
    if entry is None or entry.mode == TREE_MODE:
        return None
    found, data = _read_any(repo, entry.oid)
    return data if found == _BLOB_TYPE else None


def _with_file(repo: Path, tree: str, parts: list[str], blob: str) -> str:
    """tree with the file at parts set to blob (keeping its mode), trees rebuilt upward."""
    entries = read_tree(repo, tree)
    name = parts[0]
    entry = entries.get(name)
    if len(parts) == 1:
        mode = entry.mode if entry is not None and entry.mode != TREE_MODE else 0o100644
        entries[name] = TreeEntry(mode, blob)
    else:
        inside = entry.oid if entry is not None and entry.mode == TREE_MODE else None
        entries[name] = TreeEntry(TREE_MODE, _with_file(
            repo, inside or _write_object(repo, _TREE_TYPE, b""), parts[1:], blob))
    return write_tree(repo, entries)


def commit_file(repo: Path, parent: str, path: str, data: bytes, message: str,
                author: str, committer: str) -> str:
    """A commit on parent whose tree differs from parent's only in path's content.

    author and committer are git identity lines (name <email> time zone), as `git var`
    prints them.
    """
    blob = _write_object(repo, _BLOB_TYPE, data)
    tree = _with_file(repo, read_commit(repo, parent).tree, path.split("/"), blob)
    body = b"tree %s\nparent %s\nauthor %s\ncommitter %s\n\n%s" % (
        tree.encode(), parent.encode(), author.encode(), committer.encode(), message.encode())
    return _write_object(repo, _COMMIT_TYPE, body)


def _throwaway_commit(repo: Path, tree: str, parent: str | None) -> str:
    parent_line = b"parent %s\n" % parent.encode() if parent else b""
    data = b"tree %s\n%sauthor %s\ncommitter %s\n\ngitorch merge input\n" % (
        tree.encode(), parent_line, _THROWAWAY_SIGNATURE, _THROWAWAY_SIGNATURE)
    return _write_object(repo, _COMMIT_TYPE, data)


def merge_commits(repo: Path, base: str | None, ours: str, theirs: str) -> TreeMerge:
    """git's own three-way merge of commits ours and theirs over base, as cherry-pick does.

    base None stands for the empty tree (theirs is a root commit). Writes the merged tree
    (and, before git 2.40, three throwaway commits); moves no ref.
    """
    if base is None:
        base = _throwaway_commit(repo, _write_object(repo, _TREE_TYPE, b""), None)
    if version() >= (2, 40, 0):
        args = [f"--merge-base={base}", ours, theirs]
    else:
        # No --merge-base yet: give the two trees a common root commit holding base's tree,
        # so that merge-tree finds exactly that merge base.
        root = _throwaway_commit(repo, read_commit(repo, base).tree, None)
        args = [_throwaway_commit(repo, read_commit(repo, side).tree, root)
                for side in (ours, theirs)]
    flush(repo)
    done = git(["merge-tree", "--write-tree", "-z", "--name-only", *args], repo, check=False)
    if done.returncode not in (0, 1):
        raise process.ProcessError(["git", "merge-tree", *args], done.returncode, done.stdout,
                                   done.stderr)
    fields = done.stdout.split("\0")
    if done.returncode == 0:
        return TreeMerge(fields[0], ())
    # git moves a file out of a folder's way to <path>~<side>; <side> is one of our ids here.
    paths = (_strip_suffixes(path, [f"~{side}" for side in args[-2:]])
             for path in _conflicted_paths(fields))
    return TreeMerge(None, tuple(dict.fromkeys(paths)))


def _strip_suffixes(text: str, suffixes: list[str]) -> str:
    for suffix in suffixes:
        text = text.removesuffix(suffix)
    return text


def _conflicted_paths(fields: list[str]) -> list[str]:
    """The paths in `merge-tree --write-tree -z --name-only` output of a conflicted merge."""
    # Fields: the tree, the conflicted paths, "", then messages, each as
    # <count>, <count paths>, <type>, <text>.
    end = fields.index("", 1)
    paths = fields[1:end]
    at = end + 1
    # A conflict can leave nothing unmerged in the index; then the messages name its paths.
    while not fields[1:end] and at < len(fields) and fields[at].isdigit():
        count = int(fields[at])
        if fields[at + count + 1].startswith("CONFLICT"):
            paths += fields[at + 1:at + count + 1]
        at += count + 3
    return paths


def rev_list(repo: Path, args: list[str]) -> list[str]:
    """The commit ids `git rev-list args` prints, in its order."""
    return git(["rev-list", *args, "--"], repo).stdout.split()
