"""The repair phases of a left-out track (DESIGN §12), run by its runner in its worktree.

resolve: the branch is rebased onto main with git's own rebase; at each stop the agent is
told the conflicting paths and main's commits that touched them, then gitorch checks that
no conflict marker or unmerged path is left, stages and continues. fix: the branch is
rebased onto the main the gate tested it on, and the agent gets the failing output's end.
Either way the track is `done` again and lands at the next land; a repair that cannot
finish aborts its rebase, so the branch is where it was and nothing is lost.
"""

from __future__ import annotations

import os
from pathlib import Path

from gitorch import git
from gitorch.agents import sessions
from gitorch.agents.outcomes import OK
from gitorch.agents.phase import run_phase_agent
from gitorch.agents.presets import agent_for
from gitorch.agents.prompts import render
from gitorch.config.settings import FIX_PROMPT, RESOLVE_PROMPT, PhaseConfig
from gitorch.disk import as_disk_full, full_now, is_full
from gitorch.errors import GitorchError
from gitorch.git import checkouts, rebase, worktree_files
from gitorch.names import TrackId
from gitorch.notify.tellers import tell_track_end
from gitorch.project import Project, load_roadmap, open_project
from gitorch.roadmap.model import RoadmapError
from gitorch.state import write_atomic
from gitorch.tracks.claims import repository_lock
from gitorch.tracks.hook import mark_worktree
from gitorch.tracks.leftout import LeftOut, read_left_out
from gitorch.tracks.lifeline import StopFlag, check_handed_lock, keep_claim_alive
from gitorch.tracks.log import TrackLog, open_track_log
from gitorch.tracks.records import REPAIRING, TrackRecord, now
from gitorch.tracks.wip import point_wip, save_wip


class RepairFailed(GitorchError):
    """A repair that could not finish; its rebase is aborted."""


def run_repair(cwd: Path, track: TrackId, lock_fd: int) -> int:
    """Resolve or fix a left-out track whose lock lock_fd holds; exit 0 when done again."""
    stop = StopFlag()
    project = open_project(cwd)
    check_handed_lock(project, track, lock_fd, f"gitorch repair {track}")
    record = TrackRecord.load(project, track)
    left = read_left_out(project, track)
    if record is None or record.state not in REPAIRING or left is None:
        raise GitorchError(f"track {track} is not waiting for a repair")
    kind = REPAIRING[record.state]
    log = open_track_log(project, track)
    record.pid, record.started_at = os.getpid(), record.started_at or now()
    record.save(project)
    worktree = Path(record.worktree)
    try:
        keep_claim_alive(project, track, record.base or "", stop, log, refresh_now=True)
        _repair(project, record, left, log, stop)
        record.state, record.reason, record.left_tip = "done", None, None
        project.state.left_out(track).unlink(missing_ok=True)
    except GitorchError as error:
        _abort(worktree, log)
        said = as_disk_full(error, worktree) if is_full(error) else error
        record.state, record.reason = kind, f"{record.phase or 'repair'} failed: {said}"
        # Where the branch is now is no one's fix: only a later move makes it a candidate.
        record.left_tip = git.read_ref(project.paths, f"refs/heads/{record.branch}")
    full = log.full or (full_now(worktree, "the agent") if record.state != "done" else None)
    if full is not None:  # the agent's output lost, or it failed for want of room
        record.state, record.reason = kind, f"{record.phase or 'repair'} failed: {full}"
    _end(project, track, record, log, kind)
    if record.state == "done":
        tell_track_end(project, record, phase_fields(project, record)["track_title"])
    return 0 if record.state == "done" else 1


def _abort(worktree: Path, log: TrackLog) -> None:
    """Abort the repair's rebase; on a full disk it stays under way, for repair to finish."""
    try:
        if (worktree / ".git").exists():
            rebase.abort(worktree)
    except GitorchError as error:
        if not is_full(error):
            raise
        log.line(f"Could not abort the rebase in {worktree}: {as_disk_full(error, worktree)}")


def _end(project: Project, track: TrackId, record: TrackRecord, log: TrackLog,
         kind: str) -> None:
    """Keep what the repair left and record how it ended, as far as the disk lets."""
    worktree = Path(record.worktree)
    tip = record.tip = git.read_ref(project.paths, f"refs/heads/{record.branch}")
    try:
        if kind == "gate-failed" and (worktree / ".git").exists():
            save_wip(project, track, worktree)  # the fix agent may have left work uncommitted
        elif tip is not None:
            point_wip(project, track, tip)  # a resolve leaves nothing uncommitted of its own
        log.line(f"Track {track} repair ended: {record.state}"
                 + (f" ({record.reason})" if record.reason else ""))
        record.phase, record.pid, record.agent_pgid, record.ended_at = None, None, None, now()
        record.save(project)
    except GitorchError as error:
        if not is_full(error):
            raise
        # The branch and the worktree are as the repair left them; status shows it stopped.
    finally:
        log.close()


def _repair(project: Project, record: TrackRecord, left: LeftOut, log: TrackLog,
            stop: StopFlag) -> None:
    worktree = ensure_worktree(project, record, log)
    track = TrackId.parse(record.track)
    if rebase.in_progress(worktree):
        rebase.abort(worktree)
        log.line("A rebase was left under way by an interrupted repair: aborted it, the "
                 "branch is where it was")
    # No snapshot first: git rebase refuses to start over uncommitted changes it would touch.
    fixing = left.kind == "gate-failed"
    main = git.resolve(project.paths, project.main_branch)
    onto = left.onto if fixing else main
    if onto is None:
        raise RepairFailed(f"branch {project.main_branch} has no commits")
    before = git.read_ref(project.paths, f"refs/heads/{record.branch}") or onto
    since = git.merge_base(project.paths, before, onto) or onto
    log.banner(f"Repair of Track {track}: rebase onto {project.main_branch} "
               f"{onto[:12]}")
    step = rebase.start(worktree, onto)
    stops, most = 0, git.count_commits(project.paths, since, before)
    while not step.done:
        if not step.unmerged:
            raise RepairFailed(f"git rebase stopped: {step.message}")
        stops += 1
        if stops > max(most, 1):  # git stops at most once a commit; more is a loop
            raise RepairFailed(f"the rebase stopped {stops} times for {most} commits")
        commits = rebase.commits_touching(worktree, since, onto, step.unmerged)
        log.line(f"Rebase stop {stops}: conflicts in {', '.join(step.unmerged)}")
        at = rebase.stopped_at(worktree)
        repair_phase(project, record, log, stop, "resolve", {
            "paths": "\n".join(f"- {path}" for path in step.unmerged),
            "main_commits": "\n".join(f"- {c}" for c in commits) or "- (none found)"})
        if not rebase.in_progress(worktree):
            log.line("The agent finished the rebase itself")
            break
        if rebase.stopped_at(worktree) != at:
            # The agent continued the rebase itself and it stopped again: a new stop.
            step = rebase.RebaseStep(False, rebase.unmerged(worktree), "stopped again")
            continue
        marked = rebase.with_markers(worktree, step.unmerged)
        if marked:
            raise RepairFailed(f"conflict markers left in {', '.join(marked)}")
        step = rebase.continue_(worktree)
    record.base = onto
    record.save(project)
    log.line(f"Rebased onto {onto[:12]}" + (f" after {stops} resolved stops" if stops else ""))
    if fixing:
        rebased = git.read_ref(project.paths, f"refs/heads/{record.branch}")
        failed_git = repair_phase(project, record, log, stop, "fix",
                            {"test_output": left.output or "(none)"})
        if git.read_ref(project.paths, f"refs/heads/{record.branch}") == rebased:
            # The same commits would fail the same gate again: that is no fix.
            left_over = worktree_files.worktree_changes(worktree)
            raise RepairFailed("the agent committed no fix" + (
                f"; what it changed is uncommitted in {worktree}" if left_over else "") + (
                f"; its last failed git command was {failed_git}" if failed_git else ""))


def repair_phase(project: Project, record: TrackRecord, log: TrackLog, stop: StopFlag,
                 name: str, extra: dict[str, str], template: str | None = None) -> str | None:
    """One agent run of a repair phase; raises RepairFailed unless it exited 0.

    template: the prompt (default: the resolve or fix prompt of land's config). Returns the
    last git command the agent ran that failed, if one did.
    """
    track = TrackId.parse(record.track)
    record.phase = name
    record.save(project)
    land = project.config.land
    template = template or ((land.resolve_prompt or RESOLVE_PROMPT) if name == "resolve"
                            else (land.fix_prompt or FIX_PROMPT))
    phase = PhaseConfig(name, template)
    prompt = render(phase, {**phase_fields(project, record), **extra, "phase": name})
    prompt_file = project.state.prompt_file(track, name)
    write_atomic(prompt_file, prompt.encode())
    worktree = Path(record.worktree)
    env = {"GITORCH_TRACK": str(track), "GITORCH_GROUP": track.group, "GITORCH_PHASE": name,
           "GITORCH_WORKTREE": str(worktree), "GITORCH_PROMPT_FILE": str(prompt_file)}
    log.banner(f"Phase {name} of Track {track}")

    def started(pid: int) -> None:
        record.agent_pgid = pid
        record.save(project)

    # The track's own session, where the agent remembers what it built and why.
    session = sessions.for_repair(project.config, agent_for(project.config, phase), record)
    if session is not None:
        log.line(f"Continuing the track's session {session}")
    # Mid-rebase, gitorch continues the rebase itself: the agent's edits are not committed.
    run = run_phase_agent(project, record, phase, prompt=prompt, prompt_file=prompt_file,
                          env=env, log=log, stopping=lambda: stop.set, started=started,
                          commit=name != "resolve", session=session)
    outcome = run.outcome
    record.agent_pgid, record.agent = None, run.agent
    log.line(f"Phase {name} exited {outcome.exit_code}"
             + (f" ({outcome.reason})" if outcome.reason else ""))
    if outcome.stopped:
        raise RepairFailed(f"stopped during {name}")
    if run.verdict.kind != OK:
        detail = run.verdict.detail or outcome.reason
        raise RepairFailed(f"the agent {run.agent} exited {outcome.exit_code}"
                           + (f": {detail}" if detail else ""))
    return run.failed_git


def phase_fields(project: Project, record: TrackRecord) -> dict[str, str]:
    """The phase prompt fields of the track, from the roadmap on main."""
    values = {"group": record.track.split("/")[0], "group_title": "", "track": record.track,
              "track_title": "", "track_body": "", "branch": record.branch,
              "worktree": record.worktree}
    try:
        roadmap = load_roadmap(project).roadmap
        found = roadmap.track(record.track)
    except (GitorchError, RoadmapError):
        return values
    values.update(group_title=roadmap.group(found.group).title, track_title=found.title,
                  track_body=found.body)
    return values


def ensure_worktree(project: Project, record: TrackRecord, log: TrackLog) -> Path:
    """The track's worktree, made again on its branch if someone removed it."""
    path = Path(record.worktree)
    if not (path / ".git").exists():
        if not git.branch_exists(project.paths, record.branch):
            raise RepairFailed(f"branch {record.branch} is gone")
        if path.exists():
            raise RepairFailed(f"{path} exists but is not a git worktree; move it away")
        with repository_lock(project.state.root, "worktrees"):
            checkouts.prune_worktrees(project.paths)
            checkouts.add_worktree(project.paths, path, record.branch, None)
        log.line(f"Created worktree {path} on {record.branch} for the repair")
    mark_worktree(checkouts.worktree_git_dir(path), TrackId.parse(record.track))
    return path
