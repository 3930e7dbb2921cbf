"""A full disk: told apart from other faults, and said in one line that names the disk."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from gitorch.errors import GitorchError
from gitorch.process import ProcessError

# Writes refused for want of room: the disk, the user's quota, or a file-size limit.
_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
# What git (and other children) print when one of their writes is refused so.
_WORDS = (*(os.strerror(code) for code in sorted(_ERRNOS)), "Out of diskspace")
NEARLY_FULL = 1 << 20  # bytes: with less left, an agent that failed there failed for room


class DiskFull(GitorchError):
    """Something gitorch (or a git it ran) could not write: its disk has no room left."""

    def __init__(self, path: Path, why: str, doer: str = "gitorch", named: bool = True
                 ) -> None:
        """path: the file that could not be written (named), or a folder the write went to."""
        self.path, self.why, self.named = path, why, named
        # A file-size limit (ulimit -f) refuses writes as a full disk does, but is no disk's.
        limit = why == os.strerror(errno.EFBIG)
        where = mount_point(path)
        what = (f"a file-size limit stops writes on {where}" if limit
                else f"the disk at {where} is full")
        room = "raise the limit (ulimit -f)" if limit else "free some space there"
        super().__init__(f"{what} ({why}): {doer} could not write {'' if named else 'in '}"
                         f"{path}; {room}, then run the command again")


def is_full(error: BaseException) -> bool:
    """Whether error is a write refused for want of room, by us or by a child process."""
    if isinstance(error, DiskFull):
        return True
    if isinstance(error, OSError):
        return error.errno in _ERRNOS
    if isinstance(error, ProcessError):
        # stderr only: stdout may be a file's text that happens to hold these words.
        return any(words in error.stderr for words in _WORDS)
    return False


def as_disk_full(error: BaseException, near: Path, doer: str = "gitorch") -> DiskFull:
    """error (is_full says it is one) as said by doer; near: where the write went if unnamed."""
    if isinstance(error, DiskFull):
        return DiskFull(error.path, error.why, doer, error.named)
    if isinstance(error, OSError):
        why = error.strerror or str(error)
        if error.filename:
            return DiskFull(Path(os.fsdecode(error.filename)), why, doer)
        return DiskFull(near, why, doer, named=False)
    if isinstance(error, ProcessError):
        said = next((w for w in _WORDS if w in error.stderr), str(error))
        return DiskFull(near, said, f"{doer}'s `{_verb(error.argv)}`", named=False)
    return DiskFull(near, str(error), doer, named=False)


def _verb(argv: tuple[str, ...]) -> str:
    """The command a child ran, as `git commit-tree`: its options and their values left out."""
    words, rest = [argv[0]], iter(argv[1:])
    for word in rest:
        if word in ("-c", "-C"):
            next(rest, None)
        elif not word.startswith("-"):
            return " ".join([*words, word])
    return " ".join(words)


def write_failed(error: OSError, path: Path) -> OSError | DiskFull:
    """What to raise when writing path failed: a DiskFull naming it, or error as it was."""
    if error.errno in _ERRNOS:
        return DiskFull(path, error.strerror or str(error))
    return error


def full_now(folder: Path, doer: str) -> DiskFull | None:
    """A DiskFull if folder's disk has (next to) no room left now: why doer failed there."""
    try:
        room = os.statvfs(folder)
    except OSError:
        return None
    if room.f_bavail * room.f_frsize >= NEARLY_FULL:
        return None
    return DiskFull(folder, os.strerror(errno.ENOSPC), doer, named=False)


def mount_point(path: Path) -> Path:
    """The mount point of the file system that holds path (or would, once made)."""
    here = Path(os.path.abspath(path))
    while not here.exists() and here != here.parent:
        here = here.parent
    while not os.path.ismount(here) and here != here.parent:
        here = here.parent
    return here
