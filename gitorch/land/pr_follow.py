"""Following the pull requests land opened (DESIGN §19), at each land and each run tick.

For each open pull request whose tracks wait on it, one `gh pr view` says its state, head,
checks and reviews. Checks that failed at the head gitorch pushed make a `fix` round, a
review that requests changes an `address` round, each due in the record of the track that
heals the pull request (its last: the top of its stack); `gitorch repair` or the run starts
it. With land.repair_attempts rounds spent, the track is `stuck`, a person's to take up.
A pull request closed without merging releases its tracks. Nothing here starts an agent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from gitorch.land import github
from gitorch.land.pr_state import PrView, read_view
from gitorch.land.pr_store import PullRequest, open_requests, remove, save
from gitorch.names import TrackId
from gitorch.notify.events import tell
from gitorch.project import Project
from gitorch.tracks.leftout import OUTPUT_TAIL
from gitorch.tracks.pr_rounds import (
    add_round,
    answered,
    comment_text,
    marker,
    open_round,
    rounds_of,
    unsaid,
)
from gitorch.tracks.records import IN_PR, TrackRecord

# Why a closed pull request fails its tracks rather than putting them back to pending: a
# person closed it, so running them again by themselves would only open it again. Their
# branches and worktrees keep the work until that person decides (discard, or start).
CLOSED_FAILURE = "pr-closed"


@dataclass
class Followed:
    """What following said (a note for each thing that changed or is due) and saw."""

    notes: list[str] = field(default_factory=list)
    states: dict[str, str] = field(default_factory=dict)  # url -> OPEN | MERGED | CLOSED


def follow_pull_requests(project: Project) -> Followed:
    """Look at each open pull request once."""
    followed = Followed()
    notes = followed.notes
    # Branches of a chain whose pull request is being mended: the ones above wait, since a
    # fix below is carried up to them and their checks run again.
    mending: set[str] = set()
    for request in open_requests(project):
        records = {t: TrackRecord.load(project, TrackId.parse(t)) for t in request.tracks}
        if request.base in mending:
            mending.add(request.branch)
        if request.url is None or not any(r is not None and r.state in IN_PR
                                          for r in records.values()):
            continue
        seen = github.view(project, request.url)
        if isinstance(seen, github.Problem):
            notes.append(f"could not follow {request.url}: {seen.text}")
            continue
        pr = read_view(seen)
        followed.states[request.url] = pr.state
        request.checks, request.review = pr.checks, pr.review
        save(project, request)
        healer = records.get(request.tracks[-1]) if request.tracks else None
        if pr.state == "CLOSED":
            notes += _release(project, request, records)
        elif pr.state == "OPEN" and healer is not None:
            notes += say_rounds(project, healer, request.url, pr.comments)
            if request.branch not in mending:
                notes += _next(project, request, healer, pr)
            if open_round(healer) is not None or healer.state != "in-pr":
                mending.add(request.branch)
    return followed


def say_rounds(project: Project, record: TrackRecord, url: str,
               comments: tuple[str, ...] | None = None) -> list[str]:
    """Post the comment of each pushed round that lacks one; never one already there."""
    notes: list[str] = []
    for made in unsaid(record):
        if comments is None:
            seen = github.view(project, url)
            if isinstance(seen, github.Problem):  # unseen, a comment posted before may be there
                return [*notes, f"could not look for gitorch's comments on {url}: {seen.text}"]
            comments = read_view(seen).comments
        if not any(marker(record.track, url, made["round"]) in c for c in comments):
            problem = github.comment(project, url, comment_text(
                record, made, project.config.land.repair_attempts))
            if problem is not None:
                notes.append(f"could not comment on {url}: {problem.text}")
                continue
        made["commented"] = True
        record.save(project)
    return notes


def _next(project: Project, request: PullRequest, record: TrackRecord, pr: PrView) -> list[str]:
    """The round the pull request calls for now, made due or refused; what to say of it."""
    assert request.url is not None
    track, url = record.track, request.url
    due = open_round(record)
    if record.state != "in-pr" or due is not None:
        return ([f"{track}: {due['what']} in {url}; gitorch repair {track} sends it to its "
                 "agent"] if due is not None and due["state"] == "due" else [])
    if pr.head is not None and pr.head != request.head:
        return [f"{url} is at {pr.head[:12]}, not at {request.head[:12]} as gitorch pushed "
                "it: someone else pushed to it, so gitorch leaves it to them"]
    wanted = _wanted(project, url, record, pr)
    if wanted is None:
        return []
    kind, key, what, material = wanted
    spent = len(rounds_of(record, url))
    attempts = project.config.land.repair_attempts
    if not project.config.land.repair:
        return [f"{track}: {what} in {url} (land.repair is false: left for a person)"]
    if spent >= attempts:
        record.state = "stuck"
        record.reason = (f"{what} after {spent} repair round{'s' if spent != 1 else ''} of "
                         f"its pull request: a person is needed at {url}")
        record.save(project)
        tell(project, "stuck", f"{track} needs you: {record.reason}", track=track,
             reason=record.reason)
        return [f"{track} is stuck: {record.reason}"]
    add_round(record, url, kind, key, what, material())
    record.save(project)
    return [f"{track}: {what} in {url}; round {spent + 1} of {attempts} is due "
            f"(gitorch repair {track} sends it to its agent)"]


def _wanted(project: Project, url: str, record: TrackRecord, pr: PrView
            ) -> tuple[str, str, str, Callable[[], str]] | None:
    """(kind, key, what, its prompt's material) of the round to make; None: nothing new."""
    if pr.checks == "failed" and pr.settled and pr.head is not None \
            and not answered(record, url, f"fix:{pr.head}"):
        names = ", ".join(f"`{check.name}`" for check in pr.failed)
        what = f"check{'s' if len(pr.failed) > 1 else ''} {names} failed"
        return "fix", f"fix:{pr.head}", what, partial(_logs, project, url, pr)
    for review in pr.changes_requested:
        if not answered(record, url, f"address:{review.id}"):
            said = f"{review.author} requested changes"
            return "address", f"address:{review.id}", said, partial(
                _review, project, url, review.id, review.body, said)
    return None


def _logs(project: Project, url: str, pr: PrView) -> str:
    """Each failed check, with the end of its failed job's log where gh can give it."""
    parts, read = [], set()
    for check in pr.failed:
        parts.append(f"Check `{check.name}` failed" + (f" ({check.url})" if check.url else ""))
        if check.run_id is None or (check.run_id, check.job_id) in read:
            continue
        read.add((check.run_id, check.job_id))
        log = github.failed_log(project, url, check.run_id, check.job_id)
        if isinstance(log, github.Problem):
            parts.append(f"(its log: {log.text})")
        else:
            parts.append("\n".join(log.rstrip().splitlines()[-OUTPUT_TAIL:]))
    return "\n\n".join(parts)


def _review(project: Project, url: str, review_id: str, body: str, what: str) -> str:
    """The review's text, then its line comments as `path:line: text`."""
    parts = [f"{what}:", body.strip() or "(no summary)"]
    numbered = github.rest_reviews(project, url)
    comments = github.review_comments(project, url)
    if isinstance(numbered, github.Problem) or isinstance(comments, github.Problem):
        problem = numbered if isinstance(numbered, github.Problem) else comments
        assert isinstance(problem, github.Problem)
        return "\n\n".join([*parts, f"(its line comments: {problem.text})"])
    ids = {r.get("id") for r in numbered if r.get("node_id") == review_id}
    lines = [f"- {c.get('path')}:{c.get('line') or c.get('original_line') or '?'}: "
             f"{str(c.get('body') or '').strip()}"
             for c in comments if c.get("pull_request_review_id") in ids]
    return "\n\n".join([*parts, "Line comments:\n" + "\n".join(lines)] if lines else parts)


def _release(project: Project, request: PullRequest,
             records: dict[str, TrackRecord | None]) -> list[str]:
    """A pull request closed without merging: its tracks fail, kept, for a person."""
    released = []
    for track, record in records.items():
        if record is None or record.state not in IN_PR - {"healing"}:
            continue
        record.state, record.failure = "failed", CLOSED_FAILURE
        record.reason = (f"its pull request {request.url} was closed without merging; "
                         f"gitorch discard {track} puts it back to pending, gitorch start "
                         f"--track {track} runs it again")
        record.save(project)
        released.append(track)
    if len(released) == len([r for r in records.values() if r is not None]):
        remove(project, request)
    return [f"{', '.join(released)} released: {request.url} was closed without merging"
            ] if released else []
