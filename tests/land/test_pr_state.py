"""Reading `gh pr view --json` into checks and reviews (DESIGN §19)."""

from __future__ import annotations

from typing import Any

from gitorch.land.pr_state import read_view

RUN = "https://github.com/acme/widgets/actions/runs/5/job/6"


def check(name: str, conclusion: str | None, status: str = "COMPLETED") -> dict[str, Any]:
    return {"__typename": "CheckRun", "name": name, "status": status, "conclusion": conclusion,
            "detailsUrl": RUN}


def test_a_failed_check_and_a_red_status_are_failures_with_their_run() -> None:
    view = read_view({"state": "OPEN", "headRefOid": "abc", "statusCheckRollup": [
        check("lint", "SUCCESS"), check("test", "FAILURE"),
        {"__typename": "StatusContext", "context": "ci/ext", "state": "ERROR",
         "targetUrl": "https://ci.example.com/1"}]})
    assert (view.state, view.head, view.checks, view.settled) == ("OPEN", "abc", "failed", True)
    assert [(c.name, c.run_id, c.job_id) for c in view.failed] == [
        ("test", "5", "6"), ("ci/ext", None, None)]


def test_a_running_check_leaves_the_checks_unsettled() -> None:
    view = read_view({"statusCheckRollup": [check("test", "FAILURE"),
                                            check("slow", None, "IN_PROGRESS")]})
    assert (view.checks, view.settled) == ("failed", False)
    assert read_view({"statusCheckRollup": [check("slow", "", "QUEUED")]}).checks == "pending"
    assert read_view({"statusCheckRollup": [check("a", "SUCCESS"), check("b", "SKIPPED")]
                      }).checks == "passed"
    assert read_view({}).checks == "none"


def test_only_each_reviewers_latest_word_requests_changes() -> None:
    def review(rid: str, who: str, state: str) -> dict[str, Any]:
        return {"id": rid, "author": {"login": who}, "state": state, "body": f"{who} {rid}"}

    view = read_view({"reviews": [review("1", "alice", "CHANGES_REQUESTED"),
                                  review("2", "alice", "APPROVED"),
                                  review("3", "bob", "CHANGES_REQUESTED"),
                                  review("4", "bob", "COMMENTED")]})
    assert [(r.id, r.author, r.body) for r in view.changes_requested] == [("3", "bob", "bob 3")]
    assert view.review == "changes-requested"
    assert read_view({"reviews": [review("1", "alice", "APPROVED")]}).review == "approved"
    assert read_view({"reviewDecision": "REVIEW_REQUIRED"}).review == "review-required"


def test_fields_of_another_shape_read_as_nothing() -> None:
    view = read_view({"state": 3, "headRefOid": 4, "statusCheckRollup": "x",
                      "reviews": [1, {"state": None}], "comments": {"body": "x"}})
    assert (view.state, view.head, view.checks, view.review) == ("", None, "none", "commented")
    assert view.changes_requested == () and view.comments == ()
