"""Pull requests that heal (DESIGN §19): red checks and requested changes go back to the agent.

A fake gh (fake_gh.py) plays each pull request's life from a JSON file the test writes; the
remote is a bare repository that a GitHub URL is rewritten to.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from helpers import git, gitorch_exe, read_json_file, run_gitorch, scripted_repo
from test_pull_request import gh_calls, land_json, merge_on_remote, roadmap_of, tracks_by_id

GITHUB_URL = "https://github.com/acme/widgets.git"
PR_1 = "https://github.com/acme/widgets/pull/1"
FAILED_LOG = "\n".join([f"test\tRun tests\tline {n}" for n in range(100)]
                       + ["test\tRun tests\tAssertionError: a.txt says alpha"])


def pr_repo(tmp_path: Path, *bodies: str, config: str = "", later: bool = True
            ) -> tuple[Path, dict[str, str]]:
    """A repository in land.mode pr whose remote looks like GitHub to the fake gh."""
    roadmap = roadmap_of(*bodies)
    repo = scripted_repo(tmp_path, roadmap if later else roadmap.split("## Group Z")[0],
                         extra_config="land:\n  mode: pr\n" + config)
    git(repo, "config", "remote.origin.url", GITHUB_URL)
    git(repo, "config", f"url.{tmp_path / 'remote.git'}.insteadOf", GITHUB_URL)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    gh = bin_dir / "gh"
    gh.write_text(f"#!/bin/sh\nexec {sys.executable} {Path(__file__).parent / 'fake_gh.py'} "
                  '"$@"\n')
    gh.chmod(0o755)
    state = tmp_path / "gh-state.json"
    state.write_text(json.dumps({"remote": str(tmp_path / "remote.git"), "prs": {},
                                 "logs": {"77": FAILED_LOG}}))
    return repo, {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
                  "FAKE_GH_CALLS": str(tmp_path / "gh-calls.jsonl"),
                  "FAKE_GH_STATE": str(state), "AGENT_PROMPTS": str(tmp_path / "prompts.txt")}


def change(tmp_path: Path, number: str, **values: Any) -> dict[str, Any]:
    """Change the fake pull request's life (state, checks, reviews...); its new state."""
    path = tmp_path / "gh-state.json"
    state = json.loads(path.read_text())
    for key, value in values.items():
        if key == "logs":
            state["logs"].update(value)
        elif key == "fail_comments":
            state[key] = value
        else:
            state["prs"][number][key] = value
    path.write_text(json.dumps(state))
    return dict(state["prs"][number])


def pr_of(tmp_path: Path, number: str = "1") -> dict[str, Any]:
    return dict(json.loads((tmp_path / "gh-state.json").read_text())["prs"][number])


def remote_head(tmp_path: Path, branch: str) -> str:
    return git(tmp_path / "remote.git", "rev-parse", f"refs/heads/{branch}").strip()


def failing(tmp_path: Path, number: str = "1", run: str = "77") -> str:
    """Make the pull request's checks fail at its current head; that head."""
    head = remote_head(tmp_path, pr_of(tmp_path, number)["branch"])
    change(tmp_path, number, checks={head: [
        {"__typename": "CheckRun", "name": "lint", "status": "COMPLETED",
         "conclusion": "SUCCESS", "detailsUrl": "https://example.com/lint"},
        {"__typename": "CheckRun", "name": "test", "status": "COMPLETED",
         "conclusion": "FAILURE",
         "detailsUrl": f"https://github.com/acme/widgets/actions/runs/{run}/job/88"}]})
    return head


def record_of(repo: Path, track: str) -> dict[str, Any]:
    key = "group_{}_track_{}".format(*track.split("/"))
    return read_json_file(repo / ".git" / "gitorch" / "tracks" / f"{key}.json")


def opened(tmp_path: Path, repo: Path, env: dict[str, str]) -> list[dict[str, Any]]:
    """Run the tracks and land them as pull requests; the pull requests."""
    run_gitorch(repo, "start", "--wait", "--parallel", "3", env=env, check=True)
    requests = land_json(repo, env)["pull_requests"]
    assert isinstance(requests, list) and requests
    return requests


def repair(repo: Path, env: dict[str, str], track: str = "A/1") -> subprocess.CompletedProcess[str]:
    done = run_gitorch(repo, "repair", track, "--wait", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def comments(tmp_path: Path, number: str = "1") -> list[str]:
    return list(pr_of(tmp_path, number)["comments"])


def test_a_failed_check_sends_its_log_to_a_fix_phase_and_the_fix_goes_to_the_pr(
        tmp_path: Path) -> None:
    repo, env = pr_repo(tmp_path, "put a.txt alpha\nfix a.txt fixed")
    [request] = opened(tmp_path, repo, env)
    branch, head = request["branch"], request["head"]
    assert tracks_by_id(repo, env)["A/1"]["pull_request"]["checks"] is None
    change(tmp_path, "1", checks={head: [{"__typename": "CheckRun", "name": "test",
                                          "status": "IN_PROGRESS", "conclusion": None}]})
    assert not [n for n in land_json(repo, env)["notes"]  # type: ignore[union-attr]
                if "due" in n]
    assert tracks_by_id(repo, env)["A/1"]["pull_request"]["checks"] == "pending"
    failing(tmp_path)

    result = land_json(repo, env)

    assert f"A/1: check `test` failed in {PR_1}; round 1 of 2 is due (gitorch repair A/1 " \
           "sends it to its agent)" in result["notes"]  # type: ignore[operator]
    view = tracks_by_id(repo, env)["A/1"]
    assert view["state"] == "in-pr" and view["pull_request"]["checks"] == "failed"
    assert "checks failed" in run_gitorch(repo, "status", env=env, check=True).stdout

    repair(repo, env)

    prompt = (tmp_path / "prompts.txt").read_text()
    assert f"pull request {PR_1}, and its checks failed there" in prompt
    assert "Check `test` failed (https://github.com/acme/widgets/actions/runs/77/job/88)" \
        in prompt
    assert "AssertionError: a.txt says alpha" in prompt and "line 39\n" not in prompt
    assert "line 41\n" in prompt and "lint" not in prompt  # the tail, of the failed job only
    assert ["run", "view", "77", "--job", "88", "--log-failed", "--repo", "acme/widgets"] in [
        c["argv"] for c in gh_calls(tmp_path)]
    # The fix went onto the pull request's branch, after the head gitorch pushed before.
    new = remote_head(tmp_path, branch)
    remote = tmp_path / "remote.git"
    assert git(remote, "rev-parse", f"{new}~1").strip() == head
    assert git(remote, "show", f"{new}:a.txt") == "fixed\n"
    assert git(remote, "log", "-1", "--format=%s", new).strip() == "A/1: fix the gate"
    assert git(remote, "rev-parse", "main").strip() == git(repo, "rev-parse", "main").strip()
    [said] = comments(tmp_path)
    assert said.startswith("gitorch, round 1 of 2 for track A/1: check `test` failed; sent "
                           "it to the agent")
    assert f"- {git(remote, 'log', '-1', '--format=%h %s', new).strip()}\n" in said
    assert f"Pushed `{branch}` to {new[:12]}." in said
    rounds = record_of(repo, "A/1")["pr_rounds"]
    assert [(r["round"], r["kind"], r["state"], r["commented"]) for r in rounds] == [
        (1, "fix", "pushed", True)]
    assert tracks_by_id(repo, env)["A/1"]["state"] == "in-pr"

    # The new head's checks have not run yet: nothing more to do, nothing said twice.
    land_json(repo, env)
    assert len(comments(tmp_path)) == 1 and len(record_of(repo, "A/1")["pr_rounds"]) == 1
    merge_on_remote(tmp_path, branch)
    assert land_json(repo, env)["landed"] == ["A/1"]
    assert (repo / "a.txt").read_text() == "fixed\n"


def test_changes_requested_send_the_review_and_its_line_comments_to_an_address_phase(
        tmp_path: Path) -> None:
    repo, env = pr_repo(tmp_path, "put a.txt alpha\naddress a.txt hello")
    [request] = opened(tmp_path, repo, env)
    change(tmp_path, "1", reviews=[
        {"id": "PRR_old", "number": 10, "author": "bob", "state": "COMMENTED", "body": "hm"},
        {"id": "PRR_1", "number": 11, "author": "alice", "state": "CHANGES_REQUESTED",
         "body": "Please greet."}],
        line_comments=[{"review": 11, "path": "a.txt", "line": 1, "body": "say hello"},
                       {"review": 10, "path": "b.txt", "line": 3, "body": "not this one"}])

    result = land_json(repo, env)

    assert f"A/1: alice requested changes in {PR_1}; round 1 of 2 is due (gitorch repair " \
           "A/1 sends it to its agent)" in result["notes"]  # type: ignore[operator]
    assert tracks_by_id(repo, env)["A/1"]["pull_request"]["review"] == "changes-requested"
    repair(repo, env)
    prompt = (tmp_path / "prompts.txt").read_text()
    assert "a reviewer asked for changes:\n\nalice requested changes:\n\nPlease greet.\n\n" \
           "Line comments:\n- a.txt:1: say hello\n" in prompt
    assert "not this one" not in prompt
    new = remote_head(tmp_path, request["branch"])
    assert git(tmp_path / "remote.git", "show", f"{new}:a.txt") == "hello\n"
    [said] = comments(tmp_path)
    assert "alice requested changes; sent it to the agent" in said
    assert "`address` phase" in said and " A/1: address the review\n" in said

    land_json(repo, env)  # the review is answered: no second round while alice looks again
    assert len(record_of(repo, "A/1")["pr_rounds"]) == 1 and len(comments(tmp_path)) == 1
    change(tmp_path, "1", state="MERGED")  # as a squash merge leaves it: gh alone knows
    calls = len(gh_calls(tmp_path))
    assert land_json(repo, env)["landed"] == ["A/1"]
    # One look at the pull request both follows it and finds it merged.
    assert [c["argv"][:2] for c in gh_calls(tmp_path)[calls:]] == [["pr", "view"]]


def test_rounds_are_bounded_then_the_track_is_stuck_with_the_url(tmp_path: Path) -> None:
    repo, env = pr_repo(tmp_path, "put a.txt alpha", config="  repair_attempts: 1\n")
    opened(tmp_path, repo, env)
    failing(tmp_path)
    land_json(repo, env)
    repair(repo, env)
    failing(tmp_path)  # red again at the head the fix pushed

    result = land_json(repo, env)

    view = tracks_by_id(repo, env)["A/1"]
    assert view["state"] == "stuck" and view["pull_request"]["rounds"] == 1
    assert view["reason"] == (f"check `test` failed after 1 repair round of its pull request: "
                              f"a person is needed at {PR_1}")
    assert f"A/1 is stuck: {view['reason']}" in result["notes"]  # type: ignore[operator]
    assert len(record_of(repo, "A/1")["pr_rounds"]) == 1
    assert run_gitorch(repo, "repair", "A/1", env=env).returncode == 1
    merge_on_remote(tmp_path, pr_of(tmp_path)["branch"])  # a person fixed and merged it
    assert land_json(repo, env)["landed"] == ["A/1"]


def test_a_push_by_someone_else_is_never_overwritten(tmp_path: Path) -> None:
    repo, env = pr_repo(tmp_path, "put a.txt alpha")
    [request] = opened(tmp_path, repo, env)
    failing(tmp_path)
    land_json(repo, env)  # the round is due
    person = tmp_path / "person"
    git(tmp_path, "clone", "-q", "-b", request["branch"], str(tmp_path / "remote.git"),
        str(person))
    (person / "a.txt").write_text("a person's fix\n")
    git(person, "commit", "-qam", "A person's fix")
    git(person, "push", "-q", "origin", request["branch"])
    theirs = git(person, "rev-parse", "HEAD").strip()

    done = run_gitorch(repo, "repair", "A/1", "--wait", env=env)

    assert done.returncode == 1
    assert remote_head(tmp_path, request["branch"]) == theirs
    view = tracks_by_id(repo, env)["A/1"]
    assert view["state"] == "stuck"
    assert view["reason"] == (f"someone else pushed to {request['branch']}; gitorch left it as "
                              f"it is: a person is needed at {PR_1}")
    assert comments(tmp_path) == []


def test_a_comment_is_posted_once_across_a_failure_and_a_lost_record(tmp_path: Path) -> None:
    repo, env = pr_repo(tmp_path, "put a.txt alpha")
    opened(tmp_path, repo, env)
    failing(tmp_path)
    land_json(repo, env)
    change(tmp_path, "1", fail_comments=1)

    repair(repo, env)  # pushed; the comment failed

    [made] = record_of(repo, "A/1")["pr_rounds"]
    assert (made["state"], made["commented"]) == ("pushed", False)
    assert comments(tmp_path) == []
    land_json(repo, env)  # the next follow says it
    assert len(comments(tmp_path)) == 1
    # Posted, but the record lost it (killed before saving): the comment itself says so.
    path = repo / ".git" / "gitorch" / "tracks" / "group_A_track_1.json"
    document = json.loads(path.read_text())
    document["pr_rounds"][0]["commented"] = False
    path.write_text(json.dumps(document))
    land_json(repo, env)
    assert len(comments(tmp_path)) == 1
    assert record_of(repo, "A/1")["pr_rounds"][0]["commented"] is True


def test_a_pull_request_closed_unmerged_releases_its_tracks(tmp_path: Path) -> None:
    repo, env = pr_repo(tmp_path, "put a.txt alpha", "put b.txt beta")
    [request] = opened(tmp_path, repo, env)
    change(tmp_path, "1", state="CLOSED")

    result = land_json(repo, env)

    assert f"A/1, A/2 released: {PR_1} was closed without merging" in \
        result["notes"]  # type: ignore[operator]
    views = tracks_by_id(repo, env)
    for track in ("A/1", "A/2"):
        assert views[track]["state"] == "failed"
        assert views[track]["reason"] == (
            f"its pull request {PR_1} was closed without merging; gitorch discard {track} "
            f"puts it back to pending, gitorch start --track {track} runs it again")
        assert views[track]["pull_request"] is None
    assert git(repo, "rev-parse", f"refs/heads/{views['A/1']['branch']}")  # the work is kept
    calls = len(gh_calls(tmp_path))
    land_json(repo, env)
    assert len(gh_calls(tmp_path)) == calls  # nothing is followed any more
    assert request["branch"]


def test_a_fix_in_a_chain_is_carried_up_to_the_pull_requests_above(tmp_path: Path) -> None:
    repo, env = pr_repo(tmp_path, "put a.txt alpha\nfix a.txt fixed", "put b.txt beta",
                        config="  pr: per-track\n")
    first, second = opened(tmp_path, repo, env)
    failing(tmp_path, "1")
    failing(tmp_path, "2")  # on the first: red as well, until the fix below is carried up
    land_json(repo, env)
    assert record_of(repo, "A/2")["pr_rounds"] == []

    repair(repo, env)

    remote = tmp_path / "remote.git"
    new_first = remote_head(tmp_path, first["branch"])
    new_second = remote_head(tmp_path, second["branch"])
    assert git(remote, "rev-parse", f"{new_first}~1").strip() == first["head"]
    assert new_second != second["head"]
    assert git(remote, "log", "--format=%s", f"{new_first}..{new_second}").splitlines() == [
        "Mark A/2 done in ROADMAP.md", "A/2: scripted work"]
    assert git(remote, "show", f"{new_second}:a.txt") == "fixed\n"
    assert git(remote, "show", f"{new_second}:b.txt") == "beta\n"
    [said] = comments(tmp_path, "1")
    assert f"`{second['branch']}` to {new_second[:12]}" in said
    land_json(repo, env)  # the second's new head has no failed checks: no round for it
    assert record_of(repo, "A/2")["pr_rounds"] == []
    merge_on_remote(tmp_path, first["branch"])
    merge_on_remote(tmp_path, second["branch"])
    assert land_json(repo, env)["landed"] == ["A/1", "A/2"]


@pytest.mark.slow
def test_run_starts_the_due_round_and_lands_once_merged(tmp_path: Path) -> None:
    repo, env = pr_repo(tmp_path, "put a.txt alpha\nfix a.txt fixed", later=False)
    [request] = opened(tmp_path, repo, env)
    first = failing(tmp_path)
    run = subprocess.Popen([gitorch_exe(), "run", "--every", "0.3s", "--for", "5m"], cwd=repo,
                           env={**os.environ, **env}, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while (remote_head(tmp_path, request["branch"]) == first or not comments(tmp_path)) \
                and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        merge_on_remote(tmp_path, request["branch"])
        out, _ = run.communicate(timeout=60)
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
    assert run.returncode == 0, out
    assert "↻ Fixing Track A/1's pull request: check `test` failed (round 1 of 2)" in out
    assert f"✓ Track A/1's pull request: round 1 pushed 1 commit to {PR_1}" in out
    assert "Landed A/1: their pull request merged" in out
    assert len(comments(tmp_path)) == 1
    assert (repo / "a.txt").read_text() == "fixed\n"


@pytest.mark.slow
def test_run_says_a_round_that_pushed_nothing_then_the_track_is_stuck(tmp_path: Path) -> None:
    repo, env = pr_repo(tmp_path, "put a.txt alpha\nno-fix-commit", later=False,
                        config="  repair_attempts: 1\n")
    opened(tmp_path, repo, env)
    failing(tmp_path)
    done = subprocess.run([gitorch_exe(), "run", "--every", "0.3s", "--for", "2m"], cwd=repo,
                          env={**os.environ, **env}, capture_output=True, text=True,
                          timeout=180)
    said = [line.split("] ", 1)[-1] for line in done.stdout.splitlines()]
    assert ("✗ Track A/1's pull request: round 1 (fix) failed: the agent committed nothing; "
            f"{PR_1}") in said, done.stdout
    assert record_of(repo, "A/1")["state"] == "stuck"


def test_a_round_killed_between_its_push_and_its_comment_finishes_once(tmp_path: Path) -> None:
    repo, env = pr_repo(tmp_path, "put a.txt alpha")
    [request] = opened(tmp_path, repo, env)
    failing(tmp_path)
    land_json(repo, env)
    repair(repo, env)
    pushed = remote_head(tmp_path, request["branch"])
    # As a runner killed after its push, before its record and its comment, leaves them.
    path = repo / ".git" / "gitorch" / "tracks" / "group_A_track_1.json"
    document = json.loads(path.read_text())
    document["state"] = "healing"
    document["pr_rounds"][0].update(state="pushing", commented=False)
    path.write_text(json.dumps(document))
    change(tmp_path, "1", comments=[])
    prompts = (tmp_path / "prompts.txt").read_text()

    repair(repo, env)

    assert remote_head(tmp_path, request["branch"]) == pushed
    assert (tmp_path / "prompts.txt").read_text() == prompts  # the agent did not run again
    assert len(comments(tmp_path)) == 1
    [made] = record_of(repo, "A/1")["pr_rounds"]
    assert (made["state"], made["commented"]) == ("pushed", True)
    assert tracks_by_id(repo, env)["A/1"]["state"] == "in-pr"


def test_without_land_repair_a_red_pull_request_waits_for_a_person(tmp_path: Path) -> None:
    repo, env = pr_repo(tmp_path, "put a.txt alpha", config="  repair: false\n")
    opened(tmp_path, repo, env)
    failing(tmp_path)

    result = land_json(repo, env)

    assert f"A/1: check `test` failed in {PR_1} (land.repair is false: left for a person)" \
        in result["notes"]  # type: ignore[operator]
    assert record_of(repo, "A/1")["pr_rounds"] == []
    assert not [c for c in gh_calls(tmp_path) if c["argv"][:2] == ["run", "view"]]
    assert tracks_by_id(repo, env)["A/1"]["pull_request"]["checks"] == "failed"
