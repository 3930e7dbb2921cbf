"""Objects written as one pack: git must read them and call the pack sound."""

from __future__ import annotations

import subprocess
from pathlib import Path

from helpers import git

from gitorch.git.pack import PendingObjects, object_id


def test_flushed_objects_are_a_pack_git_verifies(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    pending = PendingObjects()
    big = bytes(range(256)) * 300  # a size header of several bytes
    blobs = [pending.add(3, data) for data in (b"", b"one\n", big)]
    assert pending.add(3, b"one\n") == blobs[1]  # the same object is kept once
    tree = pending.add(2, b"100644 big\0" + bytes.fromhex(blobs[2]))
    assert pending.get(tree) is not None
    pending.flush(repo / ".git" / "objects")
    pending.flush(repo / ".git" / "objects")  # nothing left: no second, empty pack
    packs = list((repo / ".git" / "objects" / "pack").glob("*.pack"))
    assert len(packs) == 1
    git(repo, "verify-pack", str(packs[0].with_suffix(".idx")))
    for oid in blobs:
        done = subprocess.run(["git", "cat-file", "blob", oid], cwd=repo, capture_output=True,
                              check=True)
        assert object_id(3, done.stdout) == oid
    assert git(repo, "ls-tree", tree).split() == ["100644", "blob", blobs[2], "big"]
    assert git(repo, "hash-object", "--stdin").strip() == object_id(3, b"")
    assert not list((repo / ".git" / "objects").glob("??/*"))  # nothing loose
