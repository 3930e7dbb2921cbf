"""Land as a pull request: the gated stack goes to a branch, and main moves when it merges.

`open_pull_requests` pushes the replayed stack and its roadmap commit to a branch
`gitorch/land/<group>-<short id>` (with `land.pr: per-track`, one branch per track, each
on the one before), opens a pull request for it and leaves the tracks `in-pr`.
`finish_merged`, at the start of every land, fetches main and finishes the tracks whose
commits reached it, as a landing that pushed main itself would have.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from gitorch import git
from gitorch.errors import GitorchError
from gitorch.git import network
from gitorch.land import github, pr_store
from gitorch.land.pr_store import BRANCH_PREFIX, PullRequest
from gitorch.land.publish import MainWorktree, advance_main, finish_tracks
from gitorch.land.replay import Conflict, replay
from gitorch.land.stack import Candidate, roadmap_commit
from gitorch.names import TrackId, claim_ref
from gitorch.output import safe_text
from gitorch.project import Project
from gitorch.state import read_json, write_atomic
from gitorch.tracks.records import IN_PR, TrackRecord, now
from gitorch.tracks.remote_claims import claims_refspec, fetched_claims
from gitorch.upstream import MainSync, remote_name

if TYPE_CHECKING:
    from gitorch.land.coordinator import LandResult

SHORT_ID = 8
TITLE_LIMIT = 200


@dataclass(frozen=True)
class _Part:
    """One branch to push: its tracks, the commit each ends at, and where they start."""

    tracks: list[Candidate]
    onto: str
    tips: list[str]
    head: str


def open_pull_requests(project: Project, sync: MainSync, order: Sequence[Candidate],
                       tips: Sequence[str], result: LandResult) -> LandResult:
    """Push the landing to branches, open their pull requests; main is not moved."""
    remote = sync.remote_name
    if remote is None:
        raise GitorchError("land.mode pr pushes a branch: it needs a remote (remote: in "
                           "gitorch.yaml), land.push: true and no --no-push (nothing landed)")
    parts = _parts(project, sync.onto, list(order), list(tips), result)
    when = now()
    sources = {c.track.id: c.commits[-1] for c in order}
    requests = [PullRequest(_branch_name(part), part.head, project.main_branch,
                            [c.track.id for c in part.tracks], _title(part),
                            opened=f"{when} {index:04d}")
                for index, part in enumerate(parts)]
    for before, request in pairwise(requests):
        request.base = before.branch
    _push(project, remote, requests)
    result.pushed = True
    repo = github.repository(project, remote)
    for part, request in zip(parts, requests, strict=True):
        body = _body(project, part, result)
        write_atomic(pr_store.body_path(project, request), body.encode("utf-8"))
        _mark(project, request, sources)  # before gh: the branch is out, whatever gh does
        opened = (github.open_pull_request(project, repo, request.base, request.branch,
                                           request.title, body)
                  if repo is not None else github.Opened(None, "the remote is not on GitHub"))
        if opened.url is not None:
            request.url = opened.url
            _mark(project, request, sources)
        else:
            result.notes.append(f"pushed {request.branch} ({opened.problem}); " + github.by_hand(
                repo, request.base, request.branch, request.title,
                pr_store.body_path(project, request)))
        result.pull_requests.append(asdict(request))
    return result


def _parts(project: Project, onto: str, order: list[Candidate], tips: list[str],
           result: LandResult) -> list[_Part]:
    """What each branch holds: the whole stack, or one track on the branch before it."""
    if project.config.land.pr == "single":
        head = roadmap_commit(project, tips[-1], [c.track.id for c in order])
        return [_Part(order, onto, tips, head)]
    parts: list[_Part] = []
    for candidate in order:
        # On the previous track's roadmap commit rather than its tip: the chain must
        # hold every commit the branches before it hold, or they would not merge in order.
        replayed = replay(project.paths.main_worktree, onto, candidate.base, candidate.commits)
        if isinstance(replayed, Conflict):
            later = [c.track.id for c in order[order.index(candidate):]]
            result.notes.append(f"{', '.join(later)} left for the next land: "
                                f"{candidate.track.id} conflicts with the roadmap commit "
                                f"before it in {', '.join(replayed.paths)}")
            break
        head = roadmap_commit(project, replayed.head, [candidate.track.id])
        parts.append(_Part([candidate], onto, [replayed.head], head))
        onto = head
    return parts


def _branch_name(part: _Part) -> str:
    groups = dict.fromkeys(c.track.group for c in part.tracks)
    return f"{BRANCH_PREFIX}{'-'.join(groups)}-{part.head[:SHORT_ID]}"


def _title(part: _Part) -> str:
    title = "Land " + ", ".join(f"{c.track.id} {safe_text(c.track.title)}"
                                for c in part.tracks)
    return title if len(title) <= TITLE_LIMIT else title[:TITLE_LIMIT - 1] + "…"


def _push(project: Project, remote: str, requests: list[PullRequest]) -> None:
    """Push every branch at once, each expected absent on the remote."""
    updates: list[tuple[str, str | None, str | None]] = [
        (f"refs/heads/{r.branch}", r.head, None) for r in requests]
    outcome = network.push_atomic(project.paths, remote, updates, project.config.remote_timeout)
    if outcome.ok:
        return
    # A landing killed after its push and run again makes the same branches: already there.
    there = [network.fetch_branch(project.paths, remote, r.branch,
                                  project.config.remote_timeout)
             for r in requests]
    if there != [r.head for r in requests]:
        raise GitorchError(f"push of {', '.join(r.branch for r in requests)} to {remote} "
                           f"was rejected: {outcome.message} (nothing landed)")


def _body(project: Project, part: _Part, result: LandResult) -> str:
    """The pull request's description: per track its title, commits, gate and usage."""
    config = project.config.land
    if result.gate_runs:
        runs = f"{result.gate_runs} run" + ("s" if result.gate_runs != 1 else "")
        gate = f"passed (`{' '.join(config.test_command or ())}`, {runs} on the stack)"
    elif config.test_command:
        gate = "not run (landed with --no-test)"
    else:
        gate = "none (land.test_command is not set)"
    lines = [f"Landed by gitorch onto {project.main_branch} at {part.onto[:12]}.", ""]
    before = part.onto
    for candidate, tip in zip(part.tracks, part.tips, strict=True):
        track = candidate.track
        lines += [f"### {track.id}: {safe_text(track.title)}", "",
                  f"Branch `{candidate.record.branch}`. Test gate: {gate}."]
        usage = _usage(project, track.id)
        if usage:
            lines.append(usage)
        lines.append("")
        lines += [f"- {subject}" for subject in
                  reversed(git.log_subjects(project.paths, before, tip))]
        lines.append("")
        before = tip
    marked = ", ".join(c.track.id for c in part.tracks)
    lines.append(f"The last commit marks {marked} done in {project.config.roadmap}. "
                 "gitorch marks the tracks landed once this reaches "
                 f"{project.main_branch}.")
    return "\n".join(lines) + "\n"


def _usage(project: Project, track: str) -> str | None:
    """Tokens and cost, when the track's record has them."""
    document: dict[str, Any] = read_json(project.state.record(TrackId.parse(track))) or {}
    said = []
    tokens, cost = document.get("tokens"), document.get("cost")
    if isinstance(tokens, int) and not isinstance(tokens, bool):
        said.append(f"{tokens:,} tokens")
    if isinstance(cost, (int, float)) and not isinstance(cost, bool):
        said.append(f"${cost:.2f}")
    return f"Agent usage: {', '.join(said)}." if said else None


def _mark(project: Project, request: PullRequest, sources: dict[str, str]) -> None:
    """Save the pull request; put its tracks in-pr, with its URL (or branch) and source tip."""
    pr_store.save(project, request)
    for text in request.tracks:
        record = TrackRecord.load(project, TrackId.parse(text))
        if record is not None:
            record.state, record.reason = "in-pr", request.url or request.branch
            record.landed_from = sources.get(text, record.landed_from)
            record.save(project)


def finish_merged(project: Project, keep: bool, notes: list[str],
                  states: Mapping[str, str]) -> list[str]:
    """Finish the tracks whose pull requests reached the remote's main; which they are.

    states: what gh said of each pull request it was asked of already (url -> state).
    """
    requests = [r for r in pr_store.open_requests(project) if _waiting(project, r)]
    remote = remote_name(project)
    if not requests or remote is None:
        return []
    shared = project.config.claims.remote
    main = network.fetch_branch(project.paths, remote, project.main_branch,
                                project.config.remote_timeout,
                                also=(claims_refspec(),) if shared else ())
    if main is None:
        return []
    merged = [r for r in requests if git.is_ancestor(project.paths, r.head, main)
              or (r.url is not None and (states[r.url] == "MERGED" if r.url in states
                                         else github.is_merged(project, r.url)))]
    if not merged:
        return []
    _bring_main_along(project, main, notes)
    finished: list[str] = []
    for request in merged:
        notes += finish_tracks(project, dict.fromkeys(request.tracks, request.head), keep)
        notes.append(f"{', '.join(request.tracks)} reached {project.main_branch} through "
                     f"{request.url or request.branch}")
        finished += request.tracks
    if shared:
        _drop_remote_claims(project, remote, finished, notes)
    for request in merged:
        pr_store.remove(project, request)
    return finished


def _waiting(project: Project, request: PullRequest) -> bool:
    """Whether any of its tracks still waits on it; one released by hand waits on nothing."""
    if any(_state(project, track) in IN_PR for track in request.tracks):
        return True
    pr_store.remove(project, request)
    return False


def _state(project: Project, track: str) -> str | None:
    record = TrackRecord.load(project, TrackId.parse(track))
    return record.state if record is not None else None


def _bring_main_along(project: Project, remote_main: str, notes: list[str]) -> None:
    """Fast-forward the local main to the remote's, as a landing that pushed would have."""
    local = git.resolve(project.paths, project.main_branch)
    if local is None or local == remote_main or not git.is_ancestor(project.paths, local,
                                                                      remote_main):
        return
    try:
        worktree = MainWorktree(project).check(local, remote_main)
        advance_main(project, local, remote_main, worktree)()
    except GitorchError as error:
        notes.append(f"{project.main_branch} left where it was: {error}")


def _drop_remote_claims(project: Project, remote: str, tracks: list[str],
                        notes: list[str]) -> None:
    there = fetched_claims(project)
    deletions: list[tuple[str, str | None, str | None]] = [
        (claim_ref(TrackId.parse(t)), None, there[t].commit) for t in tracks if t in there]
    if not deletions:
        return
    outcome = network.push_atomic(project.paths, remote, deletions, project.config.remote_timeout)
    if not outcome.ok:
        notes.append(f"claims of {', '.join(tracks)} left on {remote}: {outcome.message}")
