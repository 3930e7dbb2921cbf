"""Starting a repair: a left-out track gets a runner for its resolve or fix phase, and a
track in a pull request one for the round its pull request calls for (DESIGN §19)."""

from __future__ import annotations

from dataclasses import dataclass
from subprocess import Popen

from gitorch.errors import GitorchError
from gitorch.names import TrackId
from gitorch.project import Project
from gitorch.tracks.claims import TrackLock
from gitorch.tracks.forked import ForkedRunner
from gitorch.tracks.launch import spawn_runner
from gitorch.tracks.leftout import read_left_out
from gitorch.tracks.pr_rounds import open_round
from gitorch.tracks.records import LEFT_OUT, REPAIRING, TrackRecord

PHASE_OF = {"conflict": ("resolving", "resolve"), "gate-failed": ("fixing", "fix")}


@dataclass(frozen=True)
class RepairStarted:
    """A repair runner this call launched."""

    track: str
    state: str  # resolving | fixing | healing
    attempt: int
    process: Popen[bytes] | ForkedRunner


def start_repair(project: Project, track: TrackId) -> RepairStarted:
    """Launch the repair of a left-out track, or take up one whose runner was killed.

    A new repair spends one of land.repair_attempts; taking up a killed one does not (a
    pull request's round was counted when it was made due).
    """
    project.state.ensure()
    lock = TrackLock.try_acquire(project.state.lockfile(track))
    if lock is None:
        raise GitorchError(f"track {track} has a runner at work; wait for it")
    try:
        # Read under the lock: another repair may have just finished it.
        record = TrackRecord.load(project, track)
        due = open_round(record) if record is not None else None
        if due is not None and record is not None and record.state in ("in-pr", "healing"):
            record.state, record.phase, attempt = "healing", due["kind"], due["round"]
        else:
            attempt = _left_out_repair(project, track, record)
        assert record is not None  # _left_out_repair refuses a track without one
        record.pid = record.agent_pgid = record.ended_at = None
        record.save(project)
        with open(project.state.log(track), "ab") as output:
            process = spawn_runner(project, track, lock, output, ("--repair",))
    finally:
        lock.release()
    return RepairStarted(str(track), record.state, attempt, process)


def _left_out_repair(project: Project, track: TrackId, record: TrackRecord | None) -> int:
    """Put a left-out track's record in its repair state; which repair this is."""
    kind = REPAIRING.get(record.state, record.state) if record is not None else None
    if record is None or kind not in PHASE_OF:
        state = record.state if record else "not started"
        raise GitorchError(f"track {track} is {state}, not left out by land nor waiting in a "
                           "pull request that needs a repair; nothing to repair")
    if read_left_out(project, track) is None:
        raise GitorchError(f"track {track} has no record of why land left it out; "
                           f"run gitorch land {track} again")
    if record.state in LEFT_OUT:
        record.repairs += 1
    record.state, record.phase = PHASE_OF[kind]
    return record.repairs
