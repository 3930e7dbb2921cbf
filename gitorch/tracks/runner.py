"""One track's runner: its worktree, its phases in order, its log and record (DESIGN §5)."""

from __future__ import annotations

import os
from pathlib import Path

from gitorch import git
from gitorch.agents.phase import over_budget, recording_agent, run_phase_agent, settle
from gitorch.agents.presets import agent_for, agent_name
from gitorch.agents.prompts import render
from gitorch.disk import DiskFull, as_disk_full, full_now, is_full
from gitorch.errors import GitorchError
from gitorch.git import checkouts, history
from gitorch.names import TrackId, track_branch_folder
from gitorch.notify.tellers import tell_track_end
from gitorch.project import Project, open_project
from gitorch.roadmap.model import Roadmap, Track
from gitorch.state import append_stamped_line
from gitorch.steer.messages import PHASE as MESSAGE
from gitorch.steer.messages import run_messages
from gitorch.steer.send import pass_on
from gitorch.tracks.claims import repository_lock
from gitorch.tracks.elsewhere import drop_local_claim, landed_where, mark_landed, roadmap_at
from gitorch.tracks.hook import mark_worktree
from gitorch.tracks.lifeline import StopFlag, check_handed_lock, keep_claim_alive
from gitorch.tracks.log import TrackLog, open_track_log
from gitorch.tracks.records import TrackRecord, now
from gitorch.tracks.strays import reflog_mark, stray_work
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
    if record.state == "stopped":
        # Start wrote it claimed just before starting this runner: a stop came in between,
        # found no runner yet to end, and marked it stopped. That stands.
        append_run_line(project, f"end {track_id} stopped before its runner began")
        return 1
    # The roadmap as of the claim, which is what the worktree starts from.
    roadmap = roadmap_at(project, record.base)
    track = roadmap.track(str(track_id))
    log = open_track_log(project, track_id)
    # A runner that died mid-phase left that phase in its record; one that failed or was
    # stopped left failed_phase. Earlier phases finished: they are not run again. One that
    # died in a message phase goes on from the phase it was in before (its message waits).
    resume_from = (record.message_from if record.phase == MESSAGE else record.phase
                   ) or record.failed_phase
    record.message_from = None
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
        said = as_disk_full(error, Path(record.worktree)) if is_full(error) else error
        record.state, record.reason = "failed", str(said)
        if isinstance(error, SetupFailed):
            record.exit_code = error.exit_code
    if record.state == "failed" or log.full is not None:
        # The agent's output lost, or a phase that failed for want of room: say which disk.
        full = log.full or full_now(Path(record.worktree), "the agent")
        if full is not None and record.state != "stopped":
            record.state, record.reason = "failed", str(full)
    # Stopped by a lost claim, finished or failed: if main has it meanwhile, it landed.
    if record.state == "landed" or _landed_elsewhere(project, record, log):
        drop_local_claim(project, track_id)
    _end(project, track_id, record, log)
    tell_track_end(project, record, track.title)
    # Messages sent after the last phase; a stopped track is left alone, as asked.
    pass_on(project, track_id, lock_fd, record.state not in ("stopped", "landed"))
    return 0 if record.state in ("done", "landed") else 1


def _end(project: Project, track_id: TrackId, record: TrackRecord, log: TrackLog) -> None:
    """Record how the track ended, as far as the disk lets; the worktree stays as it is."""
    if (Path(record.worktree) / ".git").exists():
        # What the agent left uncommitted.
        save_wip(project, track_id, Path(record.worktree), ended=True)
    if record.took_landed(project):
        log.line(f"Track {track_id} ended: landed (land took it while its runner ran)")
    else:
        log.line(f"Track {track_id} ended: {record.state}"
                 + (f" ({record.reason})" if record.reason else ""))
    record.phase, record.ended_at = None, now()
    try:
        record.save_unless_landed(project)
        append_run_line(project, f"end {track_id} {record.state}"
                        + (f" reason={record.reason}" if record.reason else ""))
    except DiskFull:
        # Lost with the disk: a record left saying running, its runner gone, shows as
        # stale, and start resumes it in the same worktree.
        pass
    finally:
        log.close()


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
        prepare(project, TrackId.parse(track.id), worktree, record.branch, base_env, log,
                lambda: stop.set)
        record.prepared = True
        record.save(project)  # at once: a runner killed before its first phase sets up again
    if over_budget(project, record):
        return
    phases = project.config.phases
    names = [phase.name for phase in phases]
    first = names.index(resume_from) if resume_from in names else 0
    if first:
        log.line(f"Resuming at phase {names[first]}; {', '.join(names[:first])} finished "
                 "before")
    failed_git = None  # the last git command an agent ran that failed, to say why
    for index, phase in enumerate(phases[first:], first + 1):
        if _landed_elsewhere(project, record, log):
            return
        record.phase = phase.name
        record.agent = agent_name(agent_for(project.config, phase))
        if record.save_unless_landed(project):
            return  # its worktree is gone or going: nothing is left to run
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
        env = {**base_env, "GITORCH_PHASE": phase.name,
               "GITORCH_PROMPT_FILE": str(prompt_file)}

        mark = reflog_mark(record)
        if _strayed(project, record, log, mark, phase.name):
            return  # a resumed track whose HEAD is still off its branch

        run = run_phase_agent(project, record, phase, prompt=prompt, prompt_file=prompt_file,
                              env=env, log=log, stopping=lambda: stop.set,
                              started=recording_agent(project, record, log))
        outcome = run.outcome
        failed_git = run.failed_git or failed_git
        # What land will land: the branch as this phase left it, whatever moves it later.
        record.tip = git.read_ref(project.paths, f"refs/heads/{record.branch}")
        log.line(f"Phase {phase.name} exited {outcome.exit_code}"
                 + (f" ({outcome.reason})" if outcome.reason else ""))
        record.agent_pgid = None
        if outcome.stopped:
            record.state, record.failed_phase = "stopped", phase.name
            record.reason = stop.reason or f"stopped during {phase.name}"
            return
        if not settle(project, record, phase.name, run):
            return
        if _strayed(project, record, log, mark, names[min(index, len(names) - 1)]):
            return
        run_messages(project, record, log, stop, base_env)  # sent meanwhile: before going on
        if stop.set and index < len(names):
            record.state, record.failed_phase = "stopped", names[index]
            record.reason = stop.reason or f"stopped after {phase.name}"
            return
    if record.state == "landed":
        return
    tip = git.read_ref(project.paths, f"refs/heads/{record.branch}")
    commits = history.count_range(project.paths, record.base, tip) if tip else 0
    if commits == 0:
        record.state, record.reason = "failed", "no commits beyond the base" + (
            f"; the agent's last failed git command was {failed_git}" if failed_git else "")
    else:
        record.state = "done"


def _landed_elsewhere(project: Project, record: TrackRecord, log: TrackLog) -> bool:
    """Whether main already has the track (another machine landed it): if so, mark it landed."""
    place = landed_where(project, TrackId.parse(record.track))
    if place is None:
        return False
    log.line(f"Track {record.track} landed elsewhere: {place} marks it done; not running it "
             "again")
    mark_landed(record, place)
    return True


def _strayed(project: Project, record: TrackRecord, log: TrackLog, mark: int,
             resume_at: str) -> bool:
    """Fail the track if the agent's HEAD or commits left its branch; resume_at runs next."""
    stray = stray_work(project, record, mark)
    if stray is None:
        return False
    record.state, record.failed_phase, record.reason = "failed", resume_at, stray
    # A retry would carry on past the stray commits, and the track could land without them.
    record.failure = "stray"
    log.line(stray)
    return True


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
                checkouts.add_worktree(project.paths, path, record.branch, start)
        except GitorchError:
            with repository_lock(project.state.root, "worktrees"):
                checkouts.prune_worktrees(project.paths)
                start = None if git.branch_exists(project.paths, record.branch) else start
                checkouts.add_worktree(project.paths, path, record.branch, start)
        record.prepared = False
        log.line(f"Created worktree {path} on {record.branch}"
                 + (f" from {record.base[:12]}" if start else " (existing branch)"))
    mark_worktree(checkouts.worktree_git_dir(path), TrackId.parse(record.track))


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
    append_stamped_line(project.state.runs_log, text)
