"""Objects held in memory and written to the repository as one pack, not file by file.

A landing writes a few hundred small trees and commits; as loose objects each is a file of
its own (a temporary file, a rename, often a new fan-out folder), which on a slow disk cost
more than all the rest of the replay. Here they are kept until git needs them, then written
as a single pack and its index, the way `git index-pack` lays them out (version 2).
"""

from __future__ import annotations

import hashlib
import os
import struct
import tempfile
import zlib
from pathlib import Path

_TYPE_NAMES = {1: b"commit", 2: b"tree", 3: b"blob", 4: b"tag"}


def object_id(kind: int, data: bytes) -> str:
    """The id git gives an object of this kind and content (SHA-1)."""
    return hashlib.sha1(b"%s %d\0" % (_TYPE_NAMES[kind], len(data)) + data).hexdigest()


class PendingObjects:
    """Objects written by this process, readable at once, on disk after flush().

    Offsets are 32-bit: a flush is meant for a landing's trees and commits, far below 2 GB.
    """

    def __init__(self) -> None:
        self.known: dict[str, tuple[int, bytes]] = {}
        self.unwritten: list[str] = []

    def add(self, kind: int, data: bytes) -> str:
        oid = object_id(kind, data)
        if oid not in self.known:
            self.known[oid] = (kind, data)
            self.unwritten.append(oid)
        return oid

    def get(self, oid: str) -> tuple[int, bytes] | None:
        return self.known.get(oid)

    def flush(self, objects_dir: Path) -> None:
        """Write every object not yet on disk as one pack into objects_dir, for git to read."""
        if not self.unwritten:
            return
        pack, entries = _pack([(oid, *self.known[oid]) for oid in self.unwritten])
        folder = objects_dir / "pack"
        folder.mkdir(parents=True, exist_ok=True)
        name = folder / f"pack-{pack[-20:].hex()}"
        # The pack first, then its index: git looks for packs by their index, so it never
        # finds one half written.
        _write(name.with_suffix(".pack"), pack)
        _write(name.with_suffix(".idx"), _index(entries, pack[-20:]))
        # From here on they are read from disk like any other object: nothing kept here can
        # go stale when a later gc prunes them in a long-running process.
        self.known.clear()
        self.unwritten.clear()


def _pack(objects: list[tuple[str, int, bytes]]) -> tuple[bytes, list[tuple[bytes, int, int]]]:
    """The pack's bytes, and each object's (binary id, crc32, offset) in it."""
    parts = [b"PACK" + struct.pack(">II", 2, len(objects))]
    offset = len(parts[0])
    entries = []
    for oid, kind, data in objects:
        size = len(data)
        header = bytearray([(kind << 4) | (size & 0x0F)])
        size >>= 4
        while size:
            header[-1] |= 0x80
            header.append(size & 0x7F)
            size >>= 7
        # Stored, not deflated (as with pack.compression 0): a landing's few hundred small
        # objects are written once and read back soon; deflating each cost more than the
        # rest of writing the pack, and git gc compresses them later.
        entry = bytes(header) + zlib.compress(data, 0)
        entries.append((bytes.fromhex(oid), zlib.crc32(entry), offset))
        parts.append(entry)
        offset += len(entry)
    body = b"".join(parts)
    return body + hashlib.sha1(body).digest(), entries


def _index(entries: list[tuple[bytes, int, int]], pack_sum: bytes) -> bytes:
    """A version 2 pack index for entries."""
    entries = sorted(entries)
    fanout = [0] * 256
    for oid, _, _ in entries:
        fanout[oid[0]] += 1
    total = 0
    for byte in range(256):
        total += fanout[byte]
        fanout[byte] = total
    body = b"".join([
        b"\xfftOc" + struct.pack(">I", 2), struct.pack(">256I", *fanout),
        *(oid for oid, _, _ in entries), *(struct.pack(">I", crc) for _, crc, _ in entries),
        *(struct.pack(">I", offset) for _, _, offset in entries), pack_sum,
    ])
    return body + hashlib.sha1(body).digest()


def _write(path: Path, data: bytes) -> None:
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix="tmp_pack_")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.chmod(temporary, 0o444)  # git makes packs read-only
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
