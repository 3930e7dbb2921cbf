"""Agent sessions (DESIGN §15): which conversation a phase runs in, and whether it goes on.

Each phase records its agent's session id in the track's record: claude's is one gitorch
chose (`--session-id`), codex's and gemini's are read from their JSON streams, aider's is
the track's chat history file. A phase cut short (a usage limit, a killed runner, a stop)
leaves `resumable` naming it, and when it runs again it continues that session with a
short prompt instead of starting over. A CLI that cannot continue it (the session expired,
or it says no) is ended at once, and the phase runs afresh.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from gitorch.agents.outcomes import FATAL, Patterns, Signal
from gitorch.agents.presets import PRESETS, Sessions, agent_for, command_template
from gitorch.agents.stream import StreamReader
from gitorch.config.settings import AgentConfig, Config, PhaseConfig
from gitorch.tracks.records import TrackRecord

CONTINUE = ("You were interrupted in the {phase} phase of track {track}, and this is the "
            "same conversation. Carry on from where you stopped: check what is already done "
            "in the worktree, then finish the phase as you were asked.")


@dataclass(frozen=True)
class SessionRun:
    """The session one agent run is in: its id, and whether it continues it."""

    id: str | None  # None: not known yet (the CLI tells it) or the CLI has none
    resuming: bool
    template: tuple[str, ...] | None  # the argv template; None: the agent's own


def sessions_of(agent: AgentConfig) -> Sessions | None:
    """The session arguments of the agent's CLI; a command of one's own has none."""
    return PRESETS[agent.preset].sessions if agent.command is None else None


def cut_short(agent: AgentConfig, record: TrackRecord, phase: str) -> str | None:
    """The session to continue for phase: the one it was cut short in, if any."""
    if not agent.resume or record.resumable != phase or sessions_of(agent) is None:
        return None
    found = record.sessions.get(phase)
    return found if isinstance(found, str) and found else None


def latest(record: TrackRecord) -> tuple[str, str] | None:
    """The phase and id of the track's newest session."""
    phase = record.last_session
    found = record.sessions.get(phase) if phase else None
    return (phase, found) if phase and isinstance(found, str) and found else None


def phase_named(config: Config, name: str | None) -> PhaseConfig:
    """The configured phase of that name; the first for another (a repair's, a message's)."""
    return next((p for p in config.phases if p.name == name), config.phases[0])


def for_repair(config: Config, agent: AgentConfig, record: TrackRecord) -> str | None:
    """The track's newest session, for a repair by agent to continue: the agent then knows
    what it built. None when its CLI differs from the session's or resume is off."""
    newest = latest(record)
    if newest is None or not agent.resume or sessions_of(agent) is None:
        return None
    return newest[1] if agent_for(config, phase_named(config, newest[0])) == agent else None


def plan(agent: AgentConfig, resume: str | None, history: str) -> SessionRun:
    """The session of a run: resume's continued, else a new one (named here if the CLI
    takes a name). history: the track's chat history file (aider's session)."""
    spec = sessions_of(agent)
    if spec is None:
        return SessionRun(None, False, None)
    if resume is not None:
        return SessionRun(resume, True, spec.resume)
    if spec.named_by == "uuid":
        return SessionRun(str(uuid.uuid4()), False, (*command_template(agent), *spec.new))
    return SessionRun(history if spec.named_by == "history" else None, False, None)


def remember(record: TrackRecord, phase: str, session: str) -> None:
    """Record phase's session as the track's newest."""
    record.sessions[phase], record.last_session = session, phase


def continue_prompt(phase: str, track: str) -> str:
    return CONTINUE.format(phase=phase, track=track)


class SessionReader(StreamReader):
    """A stream reader that also catches the session id and a CLI refusing to continue."""

    def __init__(self, preset: str | None, patterns: Patterns, agent: AgentConfig,
                 run: SessionRun, seen: Callable[[str], None]) -> None:
        super().__init__(preset, patterns)
        self._spec = sessions_of(agent)
        self._run, self._seen = run, seen
        self.refused: str | None = None  # what the CLI said when it would not continue

    def feed(self, line: str) -> list[str]:
        shown = super().feed(line)
        spec = self._spec
        if spec is None:
            return shown
        if self._run.resuming and self.refused is None:
            said = next((text for text in (line, *shown)
                         if re.search(spec.refused, text, re.IGNORECASE)), None)
            if said is not None:
                self._refuse(said.strip())
        found = _session_in(line, spec)
        if found is not None and self.refused is None:
            if self._run.resuming and spec.named_by == "stream" and found != self._run.id:
                self._refuse(f"it began session {found} instead")
            else:
                self._seen(found)
        return shown

    def _refuse(self, said: str) -> None:
        self.refused = said
        if self.end_now is None:  # waiting will not bring the session back
            self.end_now = Signal(FATAL, said, True)


def _session_in(line: str, spec: Sessions) -> str | None:
    """The session id a JSON event of the CLI's names, where the CLI names it."""
    kind, field = spec.said_in
    if not kind or not line.startswith("{"):
        return None
    try:
        event = json.loads(line)
    except ValueError:
        return None
    if not isinstance(event, dict) or event.get("type") != kind:
        return None
    found = event.get(field)
    return found if isinstance(found, str) and found and os.sep not in found else None
