"""Names on disk and in git for a track (DESIGN §3), made safe from any roadmap title."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from gitorch.errors import GitorchError

SLUG_MAX = 40
# Longer ids would make file names and ref components past what file systems allow.
GROUP_ID_MAX = 32
TRACK_NUMBER_DIGITS = 9
_TRACK_ID = re.compile(rf"([A-Za-z0-9]{{1,{GROUP_ID_MAX}}})/([0-9]{{1,{TRACK_NUMBER_DIGITS}}})")


@dataclass(frozen=True, order=True)
class TrackId:
    """A track's id, `E/1`: a group id of letters/digits and a track number."""

    group: str
    number: int

    @classmethod
    def parse(cls, text: str) -> TrackId:
        found = _TRACK_ID.fullmatch(text.strip())
        if not found:
            raise GitorchError(f"{text!r} is not a track id; write it as GROUP/NUMBER, e.g. E/1")
        return cls(found.group(1), int(found.group(2)))

    def __str__(self) -> str:
        return f"{self.group}/{self.number}"

    @property
    def key(self) -> str:
        """The file-name form, `group_E_track_1`."""
        return f"group_{self.group}_track_{self.number}"


def slug(title: str) -> str:
    """Lowercase ASCII letters, digits and single dashes, at most SLUG_MAX characters."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    dashed = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return dashed[:SLUG_MAX].rstrip("-")


def branch_name(track: TrackId, title: str) -> str:
    """`gitorch/E-1-registry-infrastructure`."""
    tail = slug(title)
    base = f"gitorch/{track.group}-{track.number}"
    return f"{base}-{tail}" if tail else base


def claim_ref(track: TrackId) -> str:
    return f"refs/gitorch/claims/{track.group}/{track.number}"


def wip_ref(track: TrackId) -> str:
    """Where a track's commits and snapshots of its uncommitted work are kept (DESIGN §12)."""
    return f"refs/gitorch/wip/{track.group}/{track.number}"


def default_worktrees_dir(main_worktree: Path) -> Path:
    return main_worktree.parent / f"{main_worktree.name}.tracks"


def worktree_path(worktrees_dir: Path, track: TrackId) -> Path:
    return worktrees_dir / track.key
