"""Large files in a landing: named in land's output and the track's log, or refused.

Sizes come from the objects the track's commits bring (not from a checkout), so a file
added and deleted again on the branch counts too: its blob would be pushed all the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from gitorch.config.sizes import format_size
from gitorch.git.blobs import files_larger_than
from gitorch.land.stack import Candidate
from gitorch.names import TrackId
from gitorch.output import plural
from gitorch.project import Project
from gitorch.tracks.log import open_track_log


@dataclass
class SizeCheck:
    """The candidates that may land, and what was said about the others' files."""

    passed: list[Candidate] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)  # track id -> why
    warnings: list[str] = field(default_factory=list)


def check_sizes(project: Project, candidates: Sequence[Candidate], onto: str, *,
                dry_run: bool) -> SizeCheck:
    """Leave out each track that brings a file past land.max_file_size; name the files past
    land.warn_file_size. Outside a dry run, both go in the track's log too."""
    config = project.config.land
    limits = [size for size in (config.warn_file_size, config.max_file_size) if size]
    check = SizeCheck()
    repo = project.paths.main_worktree
    # Large files are rare: every track's objects are looked at together, and only when
    # one is large, each track's on its own to say whose it is.
    tips = [candidate.commits[-1] for candidate in candidates]
    any_large = bool(limits) and bool(files_larger_than(repo, tips, [onto], min(limits)))
    for candidate in candidates:
        track = candidate.track.id
        large = files_larger_than(repo, [candidate.commits[-1]], [onto],
                                  min(limits)) if any_large else []
        over = [(path, size) for path, size in large
                if config.max_file_size is not None and size > config.max_file_size]
        said = [f"{track} adds {path} ({format_size(size)}), larger than "
                f"land.warn_file_size ({format_size(config.warn_file_size)})"
                for path, size in large if config.warn_file_size is not None
                and size > config.warn_file_size and (path, size) not in over]
        if over:
            path, size = over[0]
            more = f" (and {plural(len(over) - 1, 'more file')})" if len(over) > 1 else ""
            check.refused[track] = (
                f"{path} is {format_size(size)}{more}, past land.max_file_size "
                f"({format_size(config.max_file_size or 0)}); take it out of the branch's "
                f"history (or raise the limit), then gitorch land {track}")
        else:
            check.passed.append(candidate)
        check.warnings += said
        if not dry_run and (said or over):
            log = open_track_log(project, TrackId.parse(track))
            for line in said:
                log.line(f"Land warning: {line}")
            if over:
                log.line(f"Land left this track out: {check.refused[track]}")
                # Still done, but `status` says why it does not land.
                candidate.record.reason = f"land leaves it out: {check.refused[track]}"
                candidate.record.save(project)
            log.close()
    return check
