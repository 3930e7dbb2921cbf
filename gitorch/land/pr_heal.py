"""One round of a track's pull request, run by its runner (DESIGN §19).

The `fix` or `address` phase runs in the track's own worktree, on its branch. Its new
commits (those after the tip its pull request holds) are replayed in memory onto the pull
request's head and pushed to its branch with a lease on the head gitorch last pushed, so a
push by anyone else meanwhile is never overwritten. In a chain of per-track pull requests
the ones above are replayed onto the new head and go in the same atomic push. Then gitorch
says on the pull request what it did, once. The heads are saved before the push and the
push before the comment: a runner killed in between finishes the round when taken up again.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from gitorch import git
from gitorch.config.settings import ADDRESS_PROMPT, PR_FIX_PROMPT
from gitorch.errors import GitorchError
from gitorch.git import network
from gitorch.land.pr_follow import say_rounds
from gitorch.land.pr_store import PullRequest, by_track, open_requests, save
from gitorch.land.replay import Conflict, replay, track_commits
from gitorch.names import TrackId
from gitorch.project import Project, open_project
from gitorch.tracks.lifeline import StopFlag, check_handed_lock, keep_claim_alive
from gitorch.tracks.log import TrackLog, open_track_log
from gitorch.tracks.pr_rounds import open_round
from gitorch.tracks.records import TrackRecord, now
from gitorch.tracks.repair import RepairFailed, ensure_worktree, repair_phase
from gitorch.tracks.wip import save_wip
from gitorch.upstream import remote_name


class Overtaken(GitorchError):
    """Someone else pushed to the pull request's branch: it is theirs to finish."""


def run_heal(cwd: Path, track: TrackId, lock_fd: int) -> int:
    """Run the due round of the track's pull request, whose lock lock_fd holds."""
    stop = StopFlag()
    project = open_project(cwd)
    check_handed_lock(project, track, lock_fd, f"gitorch repair {track}")
    record = TrackRecord.load(project, track)
    made = open_round(record) if record is not None else None
    request = by_track(project).get(str(track))
    if record is None or made is None or request is None or request.url is None:
        raise GitorchError(f"track {track} has no pull request round to run")
    url = request.url
    log = open_track_log(project, track)
    record.pid, record.ended_at = os.getpid(), None
    record.save(project)
    try:
        keep_claim_alive(project, track, record.base or "", stop, log, refresh_now=True)
        if made["state"] != "pushing":  # pushing: the agent's part was done before a kill
            _agent_part(project, record, made, request, log, stop)
        _push(project, record, made, log)
        record.state, record.reason = "in-pr", url
        for note in say_rounds(project, record, url):
            log.line(note)
    except Overtaken as error:
        made["state"], made["why"] = "failed", str(error)
        record.state, record.reason = "stuck", f"{error}: a person is needed at {url}"
    except GitorchError as error:
        made["state"], made["why"] = "failed", str(error)
        record.state = "in-pr"
        record.reason = f"round {made['round']} ({made['kind']}) failed: {error}; {url}"
    log.line(f"Track {track} round {made['round']} of {url} ended: {made['state']}"
             + (f" ({made['why']})" if made.get("why") else ""))
    record.phase, record.pid, record.agent_pgid, record.ended_at = None, None, None, now()
    record.save_unless_landed(project)
    log.close()
    return 0 if made["state"] == "pushed" else 1


def _agent_part(project: Project, record: TrackRecord, made: dict[str, Any],
                request: PullRequest, log: TrackLog, stop: StopFlag) -> None:
    """The agent's phase, then the heads its commits make: saved, ready to push."""
    assert request.url is not None
    made["state"] = "running"
    record.save(project)
    worktree = ensure_worktree(project, record, log)
    ref = f"refs/heads/{record.branch}"
    before = git.read_ref(project.paths, ref)
    fix = made["kind"] == "fix"
    log.banner(f"Round {made['round']} of {request.url}: {made['what']}")
    try:
        repair_phase(project, record, log, stop, made["kind"],
                     {"test_output" if fix else "review": made["material"],
                      "pull_request": request.url},
                     PR_FIX_PROMPT if fix else ADDRESS_PROMPT)
    finally:
        if (worktree / ".git").exists():
            save_wip(project, TrackId.parse(record.track), worktree)
    after = git.read_ref(project.paths, ref)
    if after is None or after == before:
        raise RepairFailed("the agent committed nothing")
    start = record.landed_from or before or after
    made["olds"], made["heads"] = _carry(project, request, start, after)
    # As they are on the pull request's branch, where a reviewer sees them.
    made["commits"] = list(reversed(git.log_subjects(project.paths, request.head,
                                                     made["heads"][request.branch])))
    made["tip"], made["state"] = after, "pushing"
    record.save(project)


def _carry(project: Project, request: PullRequest, start: str, tip: str
           ) -> tuple[dict[str, str], dict[str, str]]:
    """(old heads, new heads) by branch: this pull request's, and each one up its chain."""
    repo = project.paths.main_worktree
    replayed = replay(repo, request.head, start, track_commits(repo, start, tip))
    if isinstance(replayed, Conflict):
        raise RepairFailed(f"its new commits conflict with {request.branch} in "
                           f"{', '.join(replayed.paths)}")
    olds, heads = {request.branch: request.head}, {request.branch: replayed.head}
    below = request
    while True:
        above = next((r for r in open_requests(project) if r.base == below.branch), None)
        if above is None:
            return olds, heads
        moved = replay(repo, heads[below.branch], below.head,
                       track_commits(repo, below.head, above.head))
        if isinstance(moved, Conflict):
            raise RepairFailed(f"{above.branch}, above it in the chain, conflicts with the "
                               f"new commits in {', '.join(moved.paths)}")
        olds[above.branch], heads[above.branch] = above.head, moved.head
        below = above


def _push(project: Project, record: TrackRecord, made: dict[str, Any], log: TrackLog) -> None:
    """Push the round's heads at once, each leased on the head gitorch last pushed there."""
    remote = remote_name(project)
    if remote is None:
        raise RepairFailed("no remote to push the pull request's branch to")
    olds, heads, tip = made.get("olds"), made["heads"], made.get("tip")
    if not isinstance(olds, dict) or not isinstance(tip, str) or set(olds) != set(heads):
        raise RepairFailed("the round's record lost the heads it was to push")
    outcome = network.push_atomic(project.paths, remote, [
        (f"refs/heads/{branch}", head, olds[branch]) for branch, head in heads.items()],
        project.config.remote_timeout)
    if not outcome.ok:
        there = {branch: network.fetch_branch(project.paths, remote, branch,
                                              project.config.remote_timeout)
                 for branch in heads}
        if there != heads:  # not a push that went out before a kill
            if outcome.remote_moved:
                moved = [b for b in heads if there[b] not in (olds[b], heads[b])]
                raise Overtaken(f"someone else pushed to {', '.join(moved or list(heads))}; "
                                "gitorch left it as it is")
            raise RepairFailed(f"push to {remote} failed: {outcome.message}")
    for request in open_requests(project):
        if request.branch in heads:
            request.head = heads[request.branch]
            save(project, request)
    record.landed_from = record.tip = tip
    made["state"] = "pushed"
    record.save(project)
    log.line("Pushed " + ", ".join(f"{b} to {h[:12]}" for b, h in heads.items()))
