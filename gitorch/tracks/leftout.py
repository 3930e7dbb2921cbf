"""Tracks that land left out: why, against which main, and whether someone moved on since.

Land writes this when it leaves a track out as `conflict` or `gate-failed`; the repair
phases read it for their prompts, and `status` and `land` for the next command to run.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from gitorch import git
from gitorch.names import TrackId, wip_ref
from gitorch.project import Project
from gitorch.state import read_json, write_json
from gitorch.tracks.records import LEFT_OUT, TrackRecord
from gitorch.tracks.views import TrackView

OUTPUT_TAIL = 60  # lines of the failing test output a fix phase is shown


@dataclass(frozen=True)
class LeftOut:
    """Why land left a track out."""

    kind: str  # conflict | gate-failed
    onto: str  # the main it was replayed (or tested) on
    tip: str | None  # its branch tip then
    paths: list[str] = field(default_factory=list)  # conflict: where
    output: str = ""  # gate-failed: the end of the test output


def record_left_out(project: Project, track: TrackId, kind: str, onto: str, *,
                    paths: list[str] | None = None, output: str = "") -> None:
    """Mark the track left out, keeping its branch tip, so a later move shows a fix."""
    record = TrackRecord.load(project, track)
    if record is None:
        return
    tip = git.read_ref(project.paths, f"refs/heads/{record.branch}")
    tail = "\n".join(output.rstrip().splitlines()[-OUTPUT_TAIL:])
    why = LeftOut(kind, onto, tip, list(paths or []), tail)
    write_json(project.state.left_out(track), asdict(why))
    record.state, record.left_tip = kind, tip
    record.reason = (f"conflicts with main in {', '.join(why.paths)}" if kind == "conflict"
                     else "failed the test gate" + (f": {tail.splitlines()[-1]}"
                                                    if tail else ""))
    record.save(project)


def read_left_out(project: Project, track: TrackId) -> LeftOut | None:
    document = read_json(project.state.left_out(track))
    if document is None:
        return None
    try:
        why = LeftOut(**document)
    except TypeError:
        return None
    # Damaged if a field holds another type (a number for a path, say): it is shown as text.
    texts = [why.kind, why.onto, why.output, *(why.paths if isinstance(why.paths, list)
                                                else [None])]
    if not all(isinstance(t, str) for t in texts) or not isinstance(why.tip, (str, type(None))):
        return None
    return why


def moved_since(project: Project, record: TrackRecord) -> bool:
    """Whether a left-out track's branch moved since (a person rebased or committed)."""
    if record.state not in LEFT_OUT or record.left_tip is None:
        return False
    tip = git.read_ref(project.paths, f"refs/heads/{record.branch}")
    return tip is not None and tip != record.left_tip


def next_step(project: Project, record: TrackRecord) -> str:
    """What to run next for a left-out track, in one line."""
    track = record.track
    if moved_since(project, record):
        return f"its branch moved since: gitorch land {track}"
    attempts = project.config.land.repair_attempts
    # A commit on top of a conflicting one conflicts again: only a rebase resolves it.
    how = "rebase it onto main in" if record.state == "conflict" else "commit a fix in"
    by_hand = f"{how} {record.worktree}, then gitorch land {track}"
    if record.repairs >= attempts:
        return f"{record.repairs} repairs spent: {by_hand}"
    return f"gitorch repair {track} (or {by_hand})"


def repair_facts(project: Project, view: TrackView) -> dict[str, Any]:
    """The status fields of DESIGN §12: the wip ref, and for a left-out track what next."""
    record = view.record
    left_out = record is not None and view.state in LEFT_OUT
    return {"wip_ref": wip_ref(view.id),
            "repairs": record.repairs if record else 0,
            "next": next_step(project, record) if left_out and record else None}


def left_out_notes(project: Project) -> list[str]:
    """A line per left-out track: why, and the command that repairs it (none is started)."""
    return [f"{r.track} is left out ({r.reason or r.state}); next: {next_step(project, r)}"
            for r in TrackRecord.all(project) if r.state in LEFT_OUT]
