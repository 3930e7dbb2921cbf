"""Replay a track's commits onto main in memory, as `git rebase` would, without a checkout.

A commit whose changed paths main has not touched since the commit's parent needs no
merge: its new tree is main's tree with just those paths replaced, so the cost of a commit
follows the paths it changes, not the size of the repository. Everything else goes through
git's own three-way merge, so a landed tree is always the tree git itself would make
(DESIGN §10).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from gitorch.git import objects
from gitorch.git.objects import TREE_MODE, TreeEntry

Parts = tuple[str, ...]
# A path the commit changed, what its parent had there and what it has (None: nothing).
Change = tuple[Parts, TreeEntry | None, TreeEntry | None]


@dataclass(frozen=True)
class Replayed:
    """A replay that went through: the new tip, and where each original commit went."""

    head: str
    # Original commit -> replayed commit. A commit that became empty maps to the commit it
    # folded into; one that needed no rewrite (its parent was the tip) maps to itself.
    mapping: dict[str, str]


@dataclass(frozen=True)
class Conflict:
    """A replay that stopped: the commit git's merge could not apply, and where."""

    commit: str
    paths: tuple[str, ...]


def track_commits(repo: Path, base: str, tip: str) -> list[str]:
    """The commits `git rebase` would replay from base..tip, oldest first.

    As rebase does by default, merge commits are left out and the commits they brought in
    are replayed in git's topological order.
    """
    chain = _linear_chain(repo, base, tip)
    if chain is not None:
        return chain
    return objects.rev_list(repo, ["--reverse", "--topo-order", "--no-merges", f"{base}..{tip}"])


LINEAR_LIMIT = 200
HEX = frozenset("0123456789abcdef")


def _linear_chain(repo: Path, base: str, tip: str) -> list[str] | None:
    """base..tip oldest first when tip reaches base through single parents (None if not).

    Then rev-list's answer is exactly that chain; read in process, it costs no git process.
    """
    if not all(len(rev) == 40 and set(rev) <= HEX for rev in (base, tip)):
        return None  # a name: only git resolves those as it would
    chain: list[str] = []
    commit = tip
    while commit != base:
        if len(chain) == LINEAR_LIMIT:
            return None
        parents = objects.read_commit(repo, commit).parents
        if len(parents) != 1:
            return None
        chain.append(commit)
        commit = parents[0]
    return chain[::-1]


def replay(repo: Path, onto: str, base: str, commits: Sequence[str]) -> Replayed | Conflict:
    """Replay commits (track_commits(repo, base, tip)) onto commit onto.

    Keeps each commit's author, committer and message; drops a commit that becomes empty
    and keeps one that was empty to begin with, as `git rebase` does. Each commit is merged
    against its own parent, as cherry-pick does (base only names the track in errors).
    Writes objects only (git can read them when it returns); moves no ref.
    """
    outcome = replay_pending(repo, onto, base, commits)
    objects.flush(repo)
    return outcome


def replay_pending(repo: Path, onto: str, base: str, commits: Sequence[str]
                   ) -> Replayed | Conflict:
    """replay(), leaving the objects it wrote for objects.flush() to put on disk."""
    trees = _Trees(repo)
    head, head_tree = onto, objects.read_commit(repo, onto).tree
    mapping: dict[str, str] = {}
    for commit in commits:
        info = objects.read_commit(repo, commit)
        if len(info.parents) > 1:
            raise ValueError(f"cannot replay merge commit {commit} of the track based at "
                             f"{base[:12]}; list the commits with track_commits()")
        parent = info.parents[0] if info.parents else None
        if parent == head:  # already on the tip: git rebase fast-forwards over it
            head, head_tree = commit, info.tree
            mapping[commit] = commit
            continue
        parent_tree = objects.read_commit(repo, parent).tree if parent else trees.write({})
        if info.tree == parent_tree:  # empty to begin with: rebase keeps it
            new_tree = head_tree
        else:
            merged = _apply(trees, parent_tree, info.tree, head_tree)
            if merged is None:
                outcome = objects.merge_commits(repo, parent, head, commit)
                if outcome.tree is None:
                    return Conflict(commit, outcome.conflicts)
                merged = outcome.tree
            if merged == head_tree:  # became empty: rebase drops it
                mapping[commit] = head
                continue
            new_tree = merged
        head = objects.write_replayed_commit(repo, commit, new_tree, head)
        head_tree = new_tree
        mapping[commit] = head
    return Replayed(head, mapping)


class _Trees:
    """The tree objects one replay reads and writes, cached by id (trees never change)."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self.known: dict[str, Mapping[str, TreeEntry]] = {}

    def read(self, tree: str) -> Mapping[str, TreeEntry]:
        found = self.known.get(tree)
        if found is None:
            found = self.known[tree] = objects.read_tree(self.repo, tree)
        return found

    def write(self, entries: dict[str, TreeEntry]) -> str:
        tree = objects.write_tree(self.repo, entries)
        self.known[tree] = entries
        return tree


def _apply(trees: _Trees, before: str, after: str, onto: str) -> str | None:
    """onto's tree with the change before -> after put in, or None if that needs a merge."""
    changes = _changes(trees, before, after, ())
    if not _untouched(trees, onto, changes):
        return None
    return _replace(trees, onto, [(parts, new) for parts, _, new in changes]) or trees.write({})


def _changes(trees: _Trees, before: str, after: str, prefix: Parts) -> list[Change]:
    """The entries that differ between two trees, descending only into differing subtrees.

    A path that is a tree on one side and not on the other is one change at that path.
    """
    old, new = trees.read(before), trees.read(after)
    found: list[Change] = []
    for name in old.keys() | new.keys():
        was, now = old.get(name), new.get(name)
        if was == now:
            continue
        if was and now and was.mode == TREE_MODE and now.mode == TREE_MODE:
            found += _changes(trees, was.oid, now.oid, (*prefix, name))
        else:
            found.append(((*prefix, name), was, now))
    return found


def _untouched(trees: _Trees, tree: str, changes: list[Change]) -> bool:
    """Whether tree has, at every changed path, what the commit's parent had there."""
    for parts, was, _ in changes:
        entries = trees.read(tree)
        for name in parts[:-1]:
            entry = entries.get(name)
            if entry is None or entry.mode != TREE_MODE:
                # A folder the parent had is gone (or a file): git's directory-rename
                # detection may move a file added there, so git must decide.
                return False
            entries = trees.read(entry.oid)
        if entries.get(parts[-1]) != was:
            return False
    return True


def _replace(trees: _Trees, tree: str, changes: list[tuple[Parts, TreeEntry | None]]
             ) -> str | None:
    """tree with each path set to its entry (None: removed); None if nothing is left."""
    entries = dict(trees.read(tree))
    deeper: dict[str, list[tuple[Parts, TreeEntry | None]]] = {}
    for parts, entry in changes:
        if len(parts) > 1:
            deeper.setdefault(parts[0], []).append((parts[1:], entry))
        elif entry is None:
            del entries[parts[0]]
        else:
            entries[parts[0]] = entry
    for name, inside in deeper.items():
        subtree = _replace(trees, entries[name].oid, inside)
        if subtree is None:  # git keeps no empty folders
            del entries[name]
        else:
            entries[name] = TreeEntry(TREE_MODE, subtree)
    return trees.write(entries) if entries else None
