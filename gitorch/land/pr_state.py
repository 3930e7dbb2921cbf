"""What gh says of a pull request, read into gitorch's words: its checks and its reviews.

Pure reading of `gh pr view --json` (github.VIEW_FIELDS): a field gh leaves out, or one of
another shape, reads as nothing rather than failing the landing that follows the PR.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# Conclusions (CheckRun) and states (StatusContext) that mean the check failed.
FAILED = frozenset({"FAILURE", "TIMED_OUT", "STARTUP_FAILURE", "ACTION_REQUIRED", "ERROR"})
PENDING = frozenset({"PENDING", "EXPECTED", "QUEUED", "IN_PROGRESS", "WAITING", "REQUESTED"})
_RUN = re.compile(r"/actions/runs/(?P<run>\d+)(?:/jobs?/(?P<job>\d+))?")
_DECISIONS = {"APPROVED": "approved", "CHANGES_REQUESTED": "changes-requested",
              "REVIEW_REQUIRED": "review-required"}


@dataclass(frozen=True)
class FailedCheck:
    """One check that failed, and the workflow run (and job) whose log says why."""

    name: str
    url: str | None
    run_id: str | None
    job_id: str | None


@dataclass(frozen=True)
class Review:
    """A review that requests changes, and is its author's latest word."""

    id: str
    author: str
    body: str


@dataclass(frozen=True)
class PrView:
    """One look at a pull request."""

    state: str  # OPEN | MERGED | CLOSED
    head: str | None
    checks: str  # none | pending | failed | passed
    settled: bool  # no check is still running
    failed: tuple[FailedCheck, ...]
    review: str  # none | commented | approved | changes-requested | review-required
    changes_requested: tuple[Review, ...]
    comments: tuple[str, ...]  # the conversation's comment bodies


def read_view(document: dict[str, Any]) -> PrView:
    """The pull request gh described."""
    checks = [c for c in _list(document.get("statusCheckRollup")) if isinstance(c, dict)]
    verdicts = [_verdict(check) for check in checks]
    failed = tuple(_failed(c) for c, v in zip(checks, verdicts, strict=True) if v == "failed")
    summary = ("none" if not checks else "failed" if failed
               else "pending" if "pending" in verdicts else "passed")
    reviews = [r for r in _list(document.get("reviews")) if isinstance(r, dict)]
    latest: dict[str, dict[str, Any]] = {}
    for review in reviews:  # gh lists them oldest first; a comment decides nothing
        if _text(review.get("state")) != "COMMENTED":
            latest[_author(review)] = review
    asking = tuple(Review(_text(r.get("id")), author, _text(r.get("body")))
                   for author, r in latest.items()
                   if _text(r.get("state")) == "CHANGES_REQUESTED" and r.get("id"))
    decision = _DECISIONS.get(_text(document.get("reviewDecision")))
    states = {_text(r.get("state")) for r in latest.values()}
    verdict = decision or ("changes-requested" if "CHANGES_REQUESTED" in states
                          else "approved" if "APPROVED" in states
                          else "commented" if reviews else "none")
    comments = tuple(_text(c.get("body")) for c in _list(document.get("comments"))
                     if isinstance(c, dict))
    head = document.get("headRefOid")
    return PrView(_text(document.get("state")).upper(), head if isinstance(head, str) else None,
                  summary, "pending" not in verdicts, failed, verdict, asking, comments)


def _verdict(check: dict[str, Any]) -> str:
    """failed, pending or passed, for a CheckRun or a StatusContext."""
    status = _text(check.get("status")).upper()
    said = _text(check.get("conclusion") or check.get("state")).upper()
    if (status and status != "COMPLETED") or said in PENDING or not said:
        return "pending"
    return "failed" if said in FAILED else "passed"


def _failed(check: dict[str, Any]) -> FailedCheck:
    url = check.get("detailsUrl") or check.get("targetUrl")
    url = url if isinstance(url, str) else None
    found = _RUN.search(url or "")
    name = _text(check.get("name") or check.get("context")) or "a check"
    return FailedCheck(name, url, found["run"] if found else None,
                       found["job"] if found else None)


def _author(review: dict[str, Any]) -> str:
    author = review.get("author")
    return _text(author.get("login")) if isinstance(author, dict) else "someone"


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
