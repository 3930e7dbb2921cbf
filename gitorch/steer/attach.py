"""`gitorch attach`: the track's agent CLI, interactive, in its worktree on a person's
terminal, continuing its session; the track is `stopped` after, for `start` to carry on."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

from gitorch.agents import sessions
from gitorch.agents.presets import agent_for, invocation
from gitorch.config.settings import AgentConfig
from gitorch.errors import GitorchError
from gitorch.names import TrackId
from gitorch.process import child_env
from gitorch.project import Project
from gitorch.steer.reach import reachable
from gitorch.tracks.claims import TrackLock
from gitorch.tracks.control import stop_runner
from gitorch.tracks.records import LEFT_OUT, TrackRecord, now, pid_alive

# States whose meaning a person at the terminal does not change: land's verdicts stand
# (a person's fix in the worktree counts, DESIGN §12), and a landed track has no worktree.
KEPT = LEFT_OUT | {"needs-review", "in-pr"}


def attach(project: Project, track: TrackId, say: Callable[[str], None]) -> int:
    """Stop the track's runner, run its agent's CLI on this terminal, leave it stopped.

    Returns the CLI's exit code.
    """
    record = reachable(project, track, "there is nothing to attach to")
    worktree = Path(record.worktree)
    if pid_alive(record.pid, record.host):
        stop_runner(project, record, f"stopped by gitorch attach {track}")
        say(f"Stopped the runner of {track}")
    lock = TrackLock.try_acquire(project.state.lockfile(track))
    if lock is None:
        raise GitorchError(f"track {track} has a runner at work; gitorch stop {track} first")
    try:
        record = TrackRecord.load(project, track) or record
        phase = _phase_in(project, record)
        agent = agent_for(project.config, sessions.phase_named(project.config, phase))
        session = record.sessions.get(phase) or (sessions.latest(record) or ("", None))[1]
        argv = _argv(project, track, agent, session)
        say(f"Attaching to {track} in {worktree}: {' '.join(argv)}")
        say(f"When it exits, {track} is stopped; gitorch start --track {track} carries on")
        code = subprocess.run(argv, cwd=worktree, check=False, env=child_env({
            "GITORCH_TRACK": str(track), "GITORCH_GROUP": track.group,
            "GITORCH_WORKTREE": str(worktree)})).returncode
        _leave_stopped(project, track, phase, session)
    except FileNotFoundError as error:
        raise GitorchError(f"{error.filename}: not found; install it or put it on PATH"
                           ) from error
    finally:
        lock.release()
    return code


def _phase_in(project: Project, record: TrackRecord) -> str:
    """The phase the track was in, or (finished) its last one."""
    names = [phase.name for phase in project.config.phases]
    for phase in (record.phase, record.failed_phase):
        if phase in names:
            return phase
    return names[-1] if record.state == "done" else names[0]


def _argv(project: Project, track: TrackId, agent: AgentConfig, session: str | None
          ) -> tuple[str, ...]:
    """The agent CLI for a person, continuing session; a shell for a command of one's own."""
    spec = sessions.sessions_of(agent)
    if spec is None:
        return (os.environ.get("SHELL") or "/bin/sh",)
    template = spec.interactive if session or spec.named_by == "history" \
        else spec.interactive[:1]
    history = project.state.agent_history(track)
    history.mkdir(parents=True, exist_ok=True)
    return invocation(agent, prompt="", prompt_file="", track=str(track), phase="attach",
                      usage_file="", history_dir=str(history), template=template,
                      session=session or "").argv


def _leave_stopped(project: Project, track: TrackId, phase: str, session: str | None) -> None:
    """The track stopped at phase, its session (now with the person's turns) to continue."""
    record = TrackRecord.load(project, track)
    if record is None or record.state in KEPT:
        return
    record.state, record.failed_phase, record.phase = "stopped", phase, None
    record.reason = f"a person attached in phase {phase}; gitorch start --track {track} " \
                    "carries on"
    record.pid = record.agent_pgid = record.exit_code = None
    record.ended_at = now()
    if session:
        sessions.remember(record, phase, session)
        record.resumable = phase
    record.save(project)
