"""Names on disk and in git for a track (DESIGN §3), made safe from any roadmap title."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from gitorch.errors import GitorchError

SLUG_MAX = 40
# Longer ids would make file names and ref components past what file systems allow.
ID_MAX = 32
_ID = re.compile(rf"[A-Za-z0-9._-]{{1,{ID_MAX}}}")


def id_problem(text: str) -> str | None:
    """Why text cannot be a group or track id (it would make a bad path or ref); None if fine."""
    if len(text) > ID_MAX:
        return f"is too long (at most {ID_MAX} characters)"
    if not _ID.fullmatch(text):
        return "may hold only letters, digits, '.', '_' and '-'"
    # git refuses these in a ref component, and a leading dash reads as an option.
    if text[0] in ".-" or text.endswith(".") or ".." in text or text.lower().endswith(".lock"):
        return "may not start with '.' or '-', end with '.' or '.lock', or hold '..'"
    if "_track_" in text.lower():
        # group_a_track_b_track_c would name two tracks: a / b_track_c and a_track_b / c.
        return "may not hold '_track_', which file names use between group and track"
    return None


@dataclass(frozen=True, order=True)
class TrackId:
    """A track's id, `E/1` or `2/T003`: a group id and the track's id, both as written."""

    group: str
    number: str

    def __post_init__(self) -> None:
        for part in (self.group, self.number):
            if id_problem(part):
                raise GitorchError(f"{str(self)!r} is not a track id; write it as GROUP/TRACK, "
                                   "e.g. E/1 or 2/T003")

    @classmethod
    def parse(cls, text: str) -> TrackId:
        group, slash, number = text.strip().partition("/")
        if not slash or id_problem(group) or id_problem(number):
            raise GitorchError(f"{text!r} is not a track id; write it as GROUP/TRACK, "
                               "e.g. E/1 or 2/T003")
        return cls(group, number)

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
    """`gitorch/E/1/registry-infrastructure`.

    The folder `gitorch/E/1/` holds this track's branch alone, so a sandbox can let the
    track write it (git writes a ref through a lock file beside it) and no other branch.
    Tracks started before keep the `gitorch/E-1-registry-infrastructure` their record names.
    """
    return f"{track_branch_folder(track)}/{slug(title) or 'track'}"


def track_branch_folder(track: TrackId) -> str:
    """The branch folder under refs/heads that is this track's alone."""
    return f"gitorch/{track.group}/{track.number}"


def claim_ref(track: TrackId) -> str:
    return f"refs/gitorch/claims/{track.group}/{track.number}"


def track_ref_folder(track: TrackId) -> str:
    """The folder of refs that is this track's alone, as a sandbox lets it write them."""
    return f"refs/gitorch/track/{track.group}/{track.number}"


def wip_ref(track: TrackId) -> str:
    """Where a track's commits and snapshots of its uncommitted work are kept (DESIGN §12)."""
    return f"{track_ref_folder(track)}/wip"


def legacy_wip_ref(track: TrackId) -> str:
    """The wip ref of tracks started before wip refs moved to each track's own folder."""
    return f"refs/gitorch/wip/{track.group}/{track.number}"


def default_worktrees_dir(main_worktree: Path) -> Path:
    return main_worktree.parent / f"{main_worktree.name}.tracks"


def worktree_path(worktrees_dir: Path, track: TrackId) -> Path:
    return worktrees_dir / track.key
