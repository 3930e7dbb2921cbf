"""Objects another process wrote into a folder of its own, added to the repository's store.

The folder's files are not trusted: every object is read through git and written again as
one pack, whose index `git index-pack` computes from the content. An object whose content
does not match its name arrives under its true name, not under the one it claimed, and is
reported as damaged; a file git cannot read (or a full disk) fails the whole folder, with
git's ProcessError.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

from gitorch import process
from gitorch.git import RepoPaths

IDX_HEADER = 8  # b"\xfftOc" and the version, 2
FANOUT = 256 * 4


def add_objects(paths: RepoPaths, folder: Path, scratch: Path) -> tuple[int, list[str]]:
    """Add every object of folder (and none of its alternates) to paths' store.

    scratch: an empty folder on the store's file system, for the pack on its way.
    Returns how many arrived and the names that did not (their content was not theirs).
    """
    alone = {"GIT_OBJECT_DIRECTORY": str(folder)}
    listed = process.run(["git", "cat-file", "--batch-all-objects",
                          "--batch-check=%(objectname)"], paths.common_dir, env=alone)
    names = listed.stdout.split()
    if not names:
        return 0, []
    packed = process.run(["git", "pack-objects", "-q", str(scratch / "incoming")],
                         paths.common_dir, input="\n".join(names) + "\n", env=alone)
    pack = scratch / f"incoming-{packed.stdout.strip()}.pack"
    checked = scratch / "checked.idx"
    indexed = process.run(["git", "index-pack", "-o", str(checked), str(pack)],
                          paths.common_dir)
    arrived = idx_names(checked.read_bytes(), len(names[0]) // 2)
    store = paths.common_dir / "objects" / "pack"
    store.mkdir(exist_ok=True)
    name = f"pack-{indexed.stdout.split()[-1]}"
    # The pack first, then its index: git finds packs by their index, never one half there.
    os.replace(pack, store / f"{name}.pack")
    os.replace(checked, store / f"{name}.idx")
    return len(arrived), sorted(set(names) - arrived)


def idx_names(data: bytes, width: int) -> set[str]:
    """The object names a version 2 pack index holds; width: a name's length in bytes."""
    count = struct.unpack_from(">I", data, IDX_HEADER + FANOUT - 4)[0]
    start = IDX_HEADER + FANOUT  # the names follow the fan-out table, sorted
    return {data[start + i * width:start + (i + 1) * width].hex() for i in range(count)}
