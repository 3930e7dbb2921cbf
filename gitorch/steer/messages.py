"""Messages for a track's agent: a queue under `<state>/messages/`, and the `message` phase
that gives each to the agent, continuing its newest session (DESIGN §15).

A running track's runner takes them after each phase, before its pipeline goes on; a
track with no runner gets one of its own for them (gitorch.steer.send).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from gitorch import git
from gitorch.agents import sessions
from gitorch.agents.outcomes import OK
from gitorch.agents.phase import recording_agent, run_phase_agent
from gitorch.config.settings import PhaseConfig
from gitorch.names import TrackId
from gitorch.project import Project
from gitorch.state import write_atomic
from gitorch.tracks.claims import repository_lock
from gitorch.tracks.lifeline import StopFlag
from gitorch.tracks.log import TrackLog
from gitorch.tracks.records import TrackRecord, now

PHASE = "message"
PROMPT = ("A message from the person following track {track}, whose worktree is the current "
          "folder. Do what it asks, commit your changes as before, and say what you did.\n\n"
          "{text}\n")


def queue_file(project: Project, track: TrackId) -> Path:
    """Where the messages waiting for the track's agent are kept."""
    return project.state.root / "messages" / f"{track.key}.json"


def _read(path: Path) -> list[dict[str, str]]:
    try:
        document = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return []
    return [m for m in document if isinstance(m, dict) and isinstance(m.get("text"), str)] \
        if isinstance(document, list) else []


def _write(path: Path, messages: list[dict[str, str]]) -> None:
    write_atomic(path, (json.dumps(messages, indent=2) + "\n").encode())


def queue(project: Project, track: TrackId, text: str) -> int:
    """Add a message for the track's agent; how many are waiting now."""
    path = queue_file(project, track)
    with repository_lock(project.state.root, f"messages-{track.key}"):
        messages = [*_read(path), {"text": text, "at": now()}]
        _write(path, messages)
    return len(messages)


def waiting(project: Project, track: TrackId) -> list[str]:
    """The messages waiting for the track's agent, oldest first."""
    return [m["text"] for m in _read(queue_file(project, track))]


def _drop_first(project: Project, track: TrackId) -> None:
    path = queue_file(project, track)
    with repository_lock(project.state.root, f"messages-{track.key}"):
        _write(path, _read(path)[1:])


def run_messages(project: Project, record: TrackRecord, log: TrackLog, stop: StopFlag,
                 env: Mapping[str, str]) -> bool:
    """Give each waiting message to the agent, a `message` phase each; False if stopped.

    env: the track's agent environment (GITORCH_TRACK and the rest, but the phase).
    """
    track = TrackId.parse(record.track)
    while not stop.set:
        texts = waiting(project, track)
        if not texts:
            return True
        _run_one(project, record, texts[0], log, stop, env)
        _drop_first(project, track)  # ran, or failed: a message is given once
    return False


def _run_one(project: Project, record: TrackRecord, text: str, log: TrackLog, stop: StopFlag,
             env: Mapping[str, str]) -> None:
    track = TrackId.parse(record.track)
    newest = sessions.latest(record)
    # The agent of the session it continues; with none, the agent of the phase it was in.
    phase = sessions.phase_named(project.config, newest[0] if newest
                                 else record.phase or record.failed_phase)
    message = PhaseConfig(PHASE, text, phase.agent)
    resume = newest[1] if newest and project.config.agent.resume else None
    prompt = PROMPT.format(track=track, text=text)
    prompt_file = project.state.prompt_file(track, PHASE)
    write_atomic(prompt_file, prompt.encode())
    # While it runs, status shows the track at this phase, in the state it keeps (done,
    # stopped...); after, the phase it was in, which a start carries on from (also when
    # its runner is killed in this one: message_from).
    record.message_from, record.phase = record.phase, PHASE
    record.save_unless_landed(project)
    log.banner(f"Phase {PHASE} of Track {track}")  # as report reads a phase's banner
    log.line(f"Message: {' '.join(text.split())[:200]}")
    if resume:
        log.line(f"Continuing the track's session {resume}")

    run = run_phase_agent(project, record, message, prompt=prompt, prompt_file=prompt_file,
                          env={**env, "GITORCH_PHASE": PHASE,
                               "GITORCH_PROMPT_FILE": str(prompt_file)},
                          log=log, stopping=lambda: stop.set,
                          started=recording_agent(project, record, log), session=resume)
    record.agent_pgid, record.phase, record.message_from = None, record.message_from, None
    if newest is not None and resume is not None:
        # The session is still the phase's it began in, and that phase's agent's.
        record.sessions.pop(PHASE, None)
        sessions.remember(record, *newest)
    record.tip = git.read_ref(project.paths, f"refs/heads/{record.branch}")
    outcome = run.outcome
    log.line(f"Phase {PHASE} exited {outcome.exit_code}"
             + (f" ({outcome.reason})" if outcome.reason else ""))
    if run.verdict.kind != OK and not outcome.stopped:
        log.line(f"The message was not carried out: {run.verdict.detail or run.verdict.kind}")
    record.save_unless_landed(project)
