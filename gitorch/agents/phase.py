"""One phase's agent run for a runner, and what its end means for the track's record."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from gitorch import git
from gitorch.agents import sessions
from gitorch.agents.identity import identity_env
from gitorch.agents.outcomes import AUTH, FATAL, OK, RATE, STUCK, Patterns, Verdict, classify
from gitorch.agents.presets import PRESETS, agent_for, agent_name, invocation, known_preset
from gitorch.agents.process import AgentOutcome, Limits, run_agent
from gitorch.agents.usage import Usage, record_total
from gitorch.agents.usage_files import file_usage
from gitorch.config.settings import PhaseConfig
from gitorch.disk import DiskFull
from gitorch.git import checkouts, worktree_files
from gitorch.names import TrackId
from gitorch.project import Project
from gitorch.sandbox.rules import track_jail
from gitorch.state import write_atomic
from gitorch.tracks.log import TrackLog
from gitorch.tracks.records import TrackRecord
from gitorch.tracks.unheard import record_unheard


@dataclass(frozen=True)
class PhaseRun:
    """How a phase's agent run ended, what that means, and which agent it was."""

    outcome: AgentOutcome
    verdict: Verdict
    agent: str
    failed_git: str | None = None  # the last git command the agent ran that failed


def recording_agent(project: Project, record: TrackRecord, log: TrackLog
                    ) -> Callable[[int], None]:
    """A `started` for run_phase_agent: the agent's process group goes into the record (what
    `stop` ends); a full disk is a line in the log, not the end of the phase."""
    def started(pid: int) -> None:
        record.agent_pgid = pid
        try:
            record.save_unless_landed(project)
        except DiskFull as error:
            log.line(f"Could not record the agent's process group: {error}")
    return started


def run_phase_agent(project: Project, record: TrackRecord, phase: PhaseConfig, *, prompt: str,
                    prompt_file: Path, env: Mapping[str, str], log: TrackLog,
                    stopping: Callable[[], bool], started: Callable[[int], None],
                    commit: bool = True, session: str | None = None) -> PhaseRun:
    """Run the phase's agent in the track's worktree; its usage goes into record.

    commit: commit what an agent that makes no commits of its own changed (aider's preset);
    session: a session to continue with prompt (else a cut-short phase's, with a short one).
    """
    agent = agent_for(project.config, phase)
    preset = known_preset(agent)
    name = agent_name(agent)
    track = TrackId.parse(record.track)
    history = project.state.agent_history(track)
    history.mkdir(parents=True, exist_ok=True)
    # In the track's own folder, which the sandbox opens up whole: an agent that renames a
    # new file over it (copilot) cannot do that to a file opened up on its own.
    usage_file = history / f"{phase.name}.usage.jsonl"
    own_files = PRESETS[preset].own_files if preset else ()
    if own_files:
        git.exclude_everywhere(project.paths, own_files, f"{preset}'s own files (gitorch)")
    worktree = Path(record.worktree)
    resume = session or sessions.cut_short(agent, record, phase.name)
    spent = Usage()
    while True:
        plan = sessions.plan(agent, resume, str(history / "chat.history.md"))
        text = prompt
        if plan.resuming and session is None:
            text = sessions.continue_prompt(phase.name, record.track)
            log.line(f"Continuing {name}'s session {plan.id} of phase {phase.name}")
        write_atomic(prompt_file, text.encode())
        write_atomic(usage_file, b"")  # each run's usage, added up in spent
        call = invocation(agent, prompt=text, prompt_file=str(prompt_file),
                          track=record.track, phase=phase.name, usage_file=str(usage_file),
                          history_dir=str(history), template=plan.template,
                          session=plan.id or "")
        reader = sessions.SessionReader(preset, Patterns(preset, agent), agent, plan,
                                        lambda found: _seen(project, record, phase.name, found))
        if plan.id is not None:
            _seen(project, record, phase.name, plan.id)
        if session is None and sessions.sessions_of(agent) is not None:
            record.resumable = phase.name  # until the phase comes to its own end
        # The agent's folder: aider writes its chat history there, outside the worktree,
        # and copilot and aider their usage.
        jail = track_jail(project, track, worktree, checkouts.worktree_git_dir(worktree),
                          record.branch, call.argv[0], extra=(history,),
                          state=PRESETS[preset].state if preset else ())
        record.sandboxed = jail.sandboxed
        outcome = run_agent(call.argv, call.stdin, cwd=worktree,
                            env={**identity_env(project.paths), **env},
                            timeout=Limits(agent.timeout, agent.idle_timeout), log=log,
                            stopping=stopping, started=started, reader=reader, jail=jail)
        spent = spent + reader.usage + file_usage(preset, str(usage_file))
        if reader.refused is None or outcome.stopped:
            break
        log.line(f"{name} could not continue session {plan.id} ({reader.refused}); "
                 f"running phase {phase.name} afresh")
        resume = None
    if spent:
        before = Usage.from_json(record.usage.get(phase.name))
        record.usage[phase.name] = (before + spent).as_json()
        log.line(f"Usage of {name} in phase {phase.name}: {spent.text()}")
    verdict = classify(preset, outcome.exit_code, reader.signals, outcome.ended)
    if record.resumable == phase.name and not outcome.stopped and verdict.kind != RATE:
        record.resumable = None
    # The preset turned the CLI's own commits off: its work is committed here, plainly.
    own_commits = preset is None or PRESETS[preset].commits
    if (commit and verdict.kind == OK and not outcome.stopped and not own_commits
            and worktree_files.commit_changes(worktree,
                                              f"{record.track}: {phase.name} phase ({name})")):
        log.line(f"Committed what {name} changed in phase {phase.name}")
    if record.base is not None and record_unheard(project, track, record.base, record.branch,
                                                  worktree):
        log.line(f"Recorded commits of phase {phase.name} that the post-commit hook did not "
                 "report (the agent's git ran without hooks)")
    return PhaseRun(outcome, verdict, name, reader.failed_git)


def _seen(project: Project, record: TrackRecord, phase: str, session: str) -> None:
    """Record the phase's session at once: a runner killed mid-phase leaves it to continue."""
    if record.sessions.get(phase) == session and record.last_session == phase:
        return
    sessions.remember(record, phase, session)
    record.save_unless_landed(project)


def settle(project: Project, record: TrackRecord, phase: str, run: PhaseRun) -> bool:
    """Write what a phase's end means into record; whether the next phase may start."""
    verdict, code = run.verdict, run.outcome.exit_code
    if verdict.kind == OK:
        return not over_budget(project, record)
    record.failed_phase, record.exit_code = phase, code
    record.state = "failed"
    if verdict.kind == RATE:
        reset = verdict.reset_at or time.time()
        record.state, record.exit_code = "rate-limited", None
        record.reset_at = datetime.fromtimestamp(reset, timezone.utc).strftime(
            "%Y-%m-%dT%H:%M:%SZ")
        record.reason = (f"{run.agent} hit a usage limit in {phase} ({verdict.detail}); "
                         f"it runs again after {time.strftime('%H:%M:%S', time.localtime(reset))}")
    elif verdict.kind == AUTH:
        record.failure = AUTH
        preset = PRESETS.get(run.agent)
        how = f": {preset.login}" if preset else ""
        record.reason = f"{run.agent} is not logged in ({verdict.detail}){how}"
    elif verdict.kind in (FATAL, STUCK):
        record.failure = verdict.kind
        record.reason = f"phase {phase}: {verdict.detail}"
    else:
        reason = run.outcome.reason
        record.reason = f"phase {phase} exited {code}" + (f": {reason}" if reason else "")
    return False


def limited_agents(records: Iterable[TrackRecord], now: float) -> dict[str, float]:
    """Agents at a usage limit: name -> the last reset time their rate-limited tracks wait for.

    The limit is the account's, not the track's: no track starts with that agent until
    every reset it named has passed.
    """
    limits: dict[str, float] = {}
    for record in records:
        if record.state != "rate-limited" or not record.agent or record.reset_at is None:
            continue
        try:
            reset = datetime.strptime(record.reset_at, "%Y-%m-%dT%H:%M:%SZ").replace(
                tzinfo=timezone.utc).timestamp()
        except ValueError:
            continue
        if reset > now:
            limits[record.agent] = max(reset, limits.get(record.agent, reset))
    return limits


def over_budget(project: Project, record: TrackRecord) -> bool:
    """Whether the track spent past agent.budget_usd; if so, record says it failed."""
    budget = project.config.agent.budget_usd
    spent = record_total(record.usage).cost_usd
    if budget is None or spent is None or spent <= budget:
        return False
    record.state, record.failure = "failed", "budget"
    record.reason = f"spent ${spent:.2f}, past agent.budget_usd ${budget:.2f}"
    return True
