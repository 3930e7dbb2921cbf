"""One track's runner: its worktree, its phases in order, its log and record (DESIGN §5)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from gitorch import git
from gitorch.agents.phase import over_budget, run_phase_agent, settle
from gitorch.agents.presets import agent_for, agent_name
from gitorch.agents.prompts import render
from gitorch.errors import GitorchError
from gitorch.names import TrackId, track_branch_folder
from gitorch.project import Project, load_roadmap, open_project
from gitorch.roadmap.model import Roadmap, Track
from gitorch.state import write_atomic
from gitorch.tracks.claims import repository_lock
from gitorch.tracks.hook import mark_worktree
from gitorch.tracks.lifeline import StopFlag, check_handed_lock, keep_claim_alive
from gitorch.tracks.log import TrackLog
from gitorch.tracks.records import TrackRecord, now
from gitorch.tracks.wip import keep_snapshots, save_wip
from gitorch.tracks.worktree_setup import SetupFailed, prepare


def run_track(cwd: Path, track_id: TrackId, lock_fd: int) -> int:
    """Run every phase of a claimed track whose lock lock_fd holds. Exit 0 when done."""
    stop = StopFlag()
    project = open_project(cwd)
    check_handed_lock(project, track_id, lock_fd, "gitorch start")
    record = TrackRecord.load(project, track_id)
    if record is None or record.base is None:
        raise GitorchError(f"track {track_id} has no claim record; use gitorch start")
    # The roadmap as of the claim, which is what the worktree starts from.
    roadmap = load_roadmap(project, record.base).roadmap
    track = roadmap.track(str(track_id))
    log = TrackLog(project.state.log(track_id), track_id)
    # A runner that died mid-phase left that phase in its record; one that failed or was
    # stopped left failed_phase. Earlier phases finished: they are not run again.
    resume_from = record.phase or record.failed_phase
    record.state, record.pid, record.started_at = "running", os.getpid(), now()
    record.exit_code = record.failed_phase = record.reason = None
    record.failure = record.reset_at = None
    record.save(project)
    append_run_line(project, f"start {track_id} pid={os.getpid()} branch={record.branch}")
    keep_claim_alive(project, track_id, record.base, stop, log)
    keep_snapshots(project, track_id, Path(record.worktree), stop.event)
    try:
        _run_phases(project, roadmap, track, record, log, stop, resume_from)
    except GitorchError as error:
        record.state, record.reason = "failed", str(error)
        if isinstance(error, SetupFailed):
            record.exit_code = error.exit_code
    if (Path(record.worktree) / ".git").exists():
        save_wip(project, track_id, Path(record.worktree))  # what the agent left uncommitted
    log.line(f"Track {track_id} ended: {record.state}"
             + (f" ({record.reason})" if record.reason else ""))
    record.phase, record.ended_at = None, now()
    record.save(project)
    append_run_line(project, f"end {track_id} {record.state}"
                    + (f" reason={record.reason}" if record.reason else ""))
    log.close()
    return 0 if record.state == "done" else 1


def _run_phases(project: Project, roadmap: Roadmap, track: Track, record: TrackRecord,
                log: TrackLog, stop: StopFlag, resume_from: str | None) -> None:
    worktree = Path(record.worktree)
    assert record.base is not None
    _ensure_worktree(project, record, log)
    base_env = {"GITORCH_TRACK": track.id, "GITORCH_GROUP": track.group,
                "GITORCH_WORKTREE": str(worktree)}
    if record.slot is not None:
        base_env["GITORCH_SLOT"] = str(record.slot)
    if not record.prepared:
        prepare(project, worktree, base_env, log, lambda: stop.set)
        record.prepared = True
        record.save(project)
    if over_budget(project, record):
        return
    phases = project.config.phases
    names = [phase.name for phase in phases]
    first = names.index(resume_from) if resume_from in names else 0
    if first:
        log.line(f"Resuming at phase {names[first]}; {', '.join(names[:first])} finished "
                 "before")
    for index, phase in enumerate(phases[first:], first + 1):
        record.phase = phase.name
        record.agent = agent_name(agent_for(project.config, phase))
        record.save(project)
        log.banner(f"Phase {phase.name} ({index}/{len(phases)}) of Track {track.id}: "
                   f"{track.title}")
        log.line(f"Agent: {record.agent}")
        group = roadmap.group(track.group)
        prompt = render(phase, {
            "group": group.id, "group_title": group.title, "track": track.id,
            "track_title": track.title, "track_body": track.body, "branch": record.branch,
            "worktree": str(worktree), "phase": phase.name,
        })
        prompt_file = project.state.prompt_file(TrackId.parse(track.id), phase.name)
        write_atomic(prompt_file, prompt.encode())
        env = {**base_env, "GITORCH_PHASE": phase.name,
               "GITORCH_PROMPT_FILE": str(prompt_file)}

        def started(pid: int) -> None:
            record.agent_pgid = pid
            record.save(project)

        run = run_phase_agent(project, record, phase, prompt=prompt, prompt_file=prompt_file,
                              env=env, log=log, stopping=lambda: stop.set, started=started)
        outcome = run.outcome
        log.line(f"Phase {phase.name} exited {outcome.exit_code}"
                 + (f" ({outcome.reason})" if outcome.reason else ""))
        record.agent_pgid = None
        if outcome.stopped:
            record.state, record.failed_phase = "stopped", phase.name
            record.reason = stop.reason or f"stopped during {phase.name}"
            return
        if not settle(project, record, phase.name, run):
            return
        if stop.set and index < len(names):
            record.state, record.failed_phase = "stopped", names[index]
            record.reason = stop.reason or f"stopped after {phase.name}"
            return
    commits = git.count_commits(project.paths, record.base, f"refs/heads/{record.branch}")
    if commits == 0:
        record.state, record.reason = "failed", "no commits beyond the base"
    else:
        record.state = "done"


def _ensure_worktree(project: Project, record: TrackRecord, log: TrackLog) -> None:
    """Reuse the track's worktree, or create it (and its branch, at the base) if missing."""
    path = Path(record.worktree)
    assert record.base is not None
    if (path / ".git").exists():
        _move_to_own_folder(project, record, log)
        if not git.branch_exists(project.paths, record.branch):
            # Deleted by hand under its worktree: the files stay, the history restarts at
            # the base instead of as a new root.
            git.create_branch(project.paths, record.branch, record.base)
            log.line(f"Branch {record.branch} was gone; made it again at {record.base[:12]}")
        log.line(f"Reusing worktree {path} on {record.branch}")
    else:
        if path.exists():
            raise GitorchError(f"{path} exists but is not a git worktree; move it away")
        start = None if git.branch_exists(project.paths, record.branch) else record.base
        # Adds run side by side; a prune would drop the entry of a worktree another runner
        # is adding meanwhile, so it waits for them all and runs only when git trips on a
        # stale entry (a folder deleted by hand).
        try:
            with repository_lock(project.state.root, "worktrees", shared=True):
                git.add_worktree(project.paths, path, record.branch, start)
        except GitorchError:
            with repository_lock(project.state.root, "worktrees"):
                git.prune_worktrees(project.paths)
                start = None if git.branch_exists(project.paths, record.branch) else start
                git.add_worktree(project.paths, path, record.branch, start)
        record.prepared = False
        log.line(f"Created worktree {path} on {record.branch}"
                 + (f" from {record.base[:12]}" if start else " (existing branch)"))
    mark_worktree(git.worktree_git_dir(path), TrackId.parse(record.track))


def _move_to_own_folder(project: Project, record: TrackRecord, log: TrackLog) -> None:
    """Rename a branch named before each track had a ref folder of its own (DESIGN §14).

    A sandbox lets a track write its own folder of branches only; in the folder all tracks
    shared, its commits would fail.
    """
    track = TrackId.parse(record.track)
    if record.branch.startswith(track_branch_folder(track) + "/"):
        return
    new = f"{track_branch_folder(track)}/{record.branch.rpartition('/')[2]}"
    if git.branch_exists(project.paths, record.branch):
        git.rename_branch(project.paths, record.branch, new)
        log.line(f"Renamed branch {record.branch} to {new}, the track's own folder")
    record.branch = new
    record.save(project)


def append_run_line(project: Project, text: str) -> None:
    """One line in `<state>/runs.log` (O_APPEND keeps concurrent lines whole)."""
    project.state.root.mkdir(parents=True, exist_ok=True)
    # Milliseconds, so `gitorch report` can draw tracks that take a second or less.
    moment = time.time()
    stamp = time.strftime('%Y-%m-%dT%H:%M:%S', time.localtime(moment))
    zone = time.strftime('%z', time.localtime(moment))
    line = f"{stamp}.{int(moment * 1000) % 1000:03d}{zone} {text}\n".encode()
    fd = os.open(project.state.runs_log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)
