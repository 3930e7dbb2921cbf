"""Starting a repair: a left-out track gets a runner for its resolve or fix phase."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass

from gitorch.errors import GitorchError
from gitorch.names import TrackId
from gitorch.process import child_env
from gitorch.project import Project
from gitorch.tracks.claims import TrackLock
from gitorch.tracks.leftout import read_left_out
from gitorch.tracks.records import LEFT_OUT, REPAIRING, TrackRecord

PHASE_OF = {"conflict": ("resolving", "resolve"), "gate-failed": ("fixing", "fix")}


@dataclass(frozen=True)
class RepairStarted:
    """A repair runner this call launched."""

    track: str
    state: str  # resolving | fixing
    attempt: int
    process: subprocess.Popen[bytes]


def start_repair(project: Project, track: TrackId) -> RepairStarted:
    """Launch the repair of a left-out track, or take up one whose runner was killed.

    A new repair spends one of land.repair_attempts; taking up a killed one does not.
    """
    project.state.ensure()
    lock = TrackLock.try_acquire(project.state.lockfile(track))
    if lock is None:
        raise GitorchError(f"track {track} has a runner at work; wait for it")
    try:
        # Read under the lock: another repair may have just finished it.
        record = TrackRecord.load(project, track)
        if record is None or (record.state not in LEFT_OUT and record.state not in REPAIRING):
            state = record.state if record else "not started"
            raise GitorchError(f"track {track} is {state}, not left out by land; "
                               "nothing to repair")
        if read_left_out(project, track) is None:
            raise GitorchError(f"track {track} has no record of why land left it out; "
                               f"run gitorch land {track} again")
        kind = REPAIRING.get(record.state, record.state)
        if record.state in LEFT_OUT:
            record.repairs += 1
        record.state, record.phase = PHASE_OF[kind]
        record.pid = record.agent_pgid = record.ended_at = None
        record.save(project)
        output = open(project.state.log(track), "ab")  # noqa: SIM115 - handed to the child
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", "gitorch", "_runner", str(track), "--lock-fd",
                 str(lock.fd), "--repair"],
                cwd=project.paths.main_worktree, stdin=subprocess.DEVNULL, stdout=output,
                stderr=subprocess.STDOUT, start_new_session=True, pass_fds=(lock.fd,),
                env=child_env())
        finally:
            output.close()
    finally:
        lock.release()
    return RepairStarted(str(track), record.state, record.repairs, process)
