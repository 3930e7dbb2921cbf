"""`gitorch land --pr`: the landing goes to a branch and a pull request; main moves on merge."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from helpers import git, gitorch_exe, run_gitorch, scripted_repo

GITHUB_URL = "https://github.com/acme/widgets.git"
GATE = "land:\n  test_command: [sh, -c, 'test -f a.txt']\n"

FAKE_GH = """#!{python}
import json, os, sys
calls = os.environ["FAKE_GH_CALLS"]
stdin = "" if sys.stdin is None or sys.stdin.isatty() else sys.stdin.read()
with open(calls, "a") as out:
    out.write(json.dumps({{"argv": sys.argv[1:], "stdin": stdin}}) + "\\n")
if sys.argv[1:3] == ["pr", "create"]:
    made = sum(1 for call in open(calls) if '"create"' in call)
    print("Creating pull request for the branch\\n")
    print(f"https://github.com/acme/widgets/pull/{{made}}")
elif sys.argv[1:3] == ["pr", "view"]:
    print(os.environ.get("FAKE_GH_STATE", "OPEN"))
"""


def roadmap_of(*bodies: str) -> str:
    tracks = "".join(f"### Track {n}: Track number {n}\n{body}\n\n"
                     for n, body in enumerate(bodies, 1))
    return f"# Plan\n\n## Group A: Work\n\n{tracks}## Group Z: Later\n\n### Track 1: Next\n"


def on_github(tmp_path: Path, repo: Path) -> dict[str, str]:
    """Name the remote by a GitHub URL that git rewrites to the bare repository; fake gh."""
    git(repo, "config", "remote.origin.url", GITHUB_URL)
    git(repo, "config", f"url.{tmp_path / 'remote.git'}.insteadOf", GITHUB_URL)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    gh = bin_dir / "gh"
    gh.write_text(FAKE_GH.format(python=sys.executable))
    gh.chmod(0o755)
    return {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "FAKE_GH_CALLS": str(tmp_path / "gh-calls.jsonl")}


def gh_calls(tmp_path: Path) -> list[dict[str, object]]:
    calls = tmp_path / "gh-calls.jsonl"
    if not calls.exists():
        return []
    return [json.loads(line) for line in calls.read_text().splitlines()]


def land_json(repo: Path, env: dict[str, str] | None, *args: str) -> dict[str, object]:
    done = run_gitorch(repo, "land", "--json", *args, env=env)
    assert done.returncode == 0, done.stderr + done.stdout
    document = json.loads(done.stdout)
    assert isinstance(document, dict)
    return document


def tracks_by_id(repo: Path, env: dict[str, str] | None = None) -> dict[str, dict[str, object]]:
    status = json.loads(run_gitorch(repo, "status", "--json", env=env, check=True).stdout)
    return {t["id"]: t for t in status["tracks"]}


def merge_on_remote(tmp_path: Path, branch: str) -> str:
    """Merge branch into the remote's main as GitHub's merge button does; the new main."""
    merger = tmp_path / "merger"
    if not merger.exists():
        git(tmp_path, "clone", "-q", str(tmp_path / "remote.git"), str(merger))
    git(merger, "fetch", "-q", "origin")
    git(merger, "merge", "-q", "--no-ff", "-m", f"Merge {branch}", f"origin/{branch}")
    git(merger, "push", "-q", "origin", "main")
    return git(merger, "rev-parse", "HEAD").strip()


def test_land_pr_pushes_a_branch_opens_a_pull_request_and_leaves_main(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, roadmap_of("put a.txt alpha", "put b/b.txt beta"),
                         extra_config=GATE)
    env = on_github(tmp_path, repo)
    run_gitorch(repo, "start", "--wait", env=env, check=True)
    before = git(repo, "rev-parse", "main").strip()
    remote = tmp_path / "remote.git"

    result = land_json(repo, env, "--pr")

    assert result["landed"] == [] and result["pushed"] is True
    assert git(repo, "rev-parse", "main").strip() == before
    assert git(remote, "rev-parse", "main").strip() == before
    [request] = result["pull_requests"]  # type: ignore[misc]
    branch, head = request["branch"], request["head"]
    assert re.fullmatch(r"gitorch/land/A-[0-9a-f]{8}", branch) and branch.endswith(head[:8])
    assert request["url"] == "https://github.com/acme/widgets/pull/1"
    assert git(remote, "rev-parse", f"refs/heads/{branch}").strip() == head
    assert git(remote, "log", "--format=%s", f"{before}..{head}").splitlines() == [
        "Mark A/1, A/2 done in ROADMAP.md", "A/2: scripted work", "A/1: scripted work"]
    assert git(remote, "show", f"{head}:b/b.txt") == "beta\n"
    assert "### Track 1: Track number 1 ✅" in git(remote, "show", f"{head}:ROADMAP.md")

    [call] = gh_calls(tmp_path)
    assert call["argv"] == ["pr", "create", "--repo", "acme/widgets", "--base", "main",
                            "--head", branch, "--title",
                            "Land A/1 Track number 1, A/2 Track number 2", "--body-file", "-"]
    body = str(call["stdin"])
    replayed = git(remote, "log", "--format=%h %s", f"{before}..{head}~1").splitlines()
    assert "### A/1: Track number 1\n" in body and "### A/2: Track number 2\n" in body
    assert f"- {replayed[1]}\n" in body and f"- {replayed[0]}\n" in body
    assert "Branch `gitorch/A/1/track-number-1`." in body
    assert body.count("Test gate: passed (`sh -c test -f a.txt`, 1 run on the stack).") == 2

    tracks = tracks_by_id(repo)
    for track in ("A/1", "A/2"):
        assert tracks[track]["state"] == "in-pr"
        assert tracks[track]["pull_request"] == {
            "url": "https://github.com/acme/widgets/pull/1", "branch": branch, "base": "main",
            "checks": None, "review": None, "rounds": 0}
    text = run_gitorch(repo, "status", check=True).stdout
    assert "in-pr" in text and "https://github.com/acme/widgets/pull/1" in text

    again = land_json(repo, env)  # not merged yet: nothing lands, no second pull request
    assert again["landed"] == [] and again["pull_requests"] == []
    assert tracks_by_id(repo)["A/1"]["state"] == "in-pr"
    # One look to see it merged, one to follow its checks and reviews.
    assert [c["argv"][:2] for c in gh_calls(tmp_path)] == [["pr", "create"], ["pr", "view"],
                                                           ["pr", "view"]]


def test_merging_the_pull_request_then_land_finishes_the_tracks(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, roadmap_of("put a.txt alpha", "put b.txt beta"))
    env = on_github(tmp_path, repo)
    run_gitorch(repo, "start", "--wait", env=env, check=True)
    [request] = land_json(repo, env, "--pr")["pull_requests"]  # type: ignore[misc]
    merged = merge_on_remote(tmp_path, request["branch"])

    result = land_json(repo, env)

    assert result["landed"] == ["A/1", "A/2"]
    assert any("reached main through https://github.com/acme/widgets/pull/1" in note
               for note in result["notes"])  # type: ignore[union-attr]
    assert git(repo, "rev-parse", "main").strip() == merged
    assert (repo / "a.txt").read_text() == "alpha\n"
    assert "## Group A: Work ✅" in (repo / "ROADMAP.md").read_text()
    assert git(repo, "for-each-ref", "refs/gitorch", "refs/heads/gitorch") == ""
    assert not (tmp_path / "repo.tracks" / "group_A_track_1").exists()
    status = json.loads(run_gitorch(repo, "status", "--json", check=True).stdout)
    assert status["group"]["id"] == "Z"
    assert not list((repo / ".git" / "gitorch" / "pull-requests").glob("*.json"))


def test_a_squash_merge_is_known_from_gh(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, roadmap_of("put a.txt alpha"))
    env = on_github(tmp_path, repo)
    run_gitorch(repo, "start", "--wait", env=env, check=True)
    [request] = land_json(repo, env, "--pr")["pull_requests"]  # type: ignore[misc]
    merger = tmp_path / "merger"
    git(tmp_path, "clone", "-q", str(tmp_path / "remote.git"), str(merger))
    git(merger, "merge", "-q", "--squash", f"origin/{request['branch']}")
    git(merger, "commit", "-q", "-m", "Land A/1 Track number 1 (#1)")
    git(merger, "push", "-q", "origin", "main")

    assert land_json(repo, env)["landed"] == []  # gh says the pull request is still open
    assert land_json(repo, {**env, "FAKE_GH_STATE": "MERGED"})["landed"] == ["A/1"]
    assert gh_calls(tmp_path)[-1]["argv"] == [
        "pr", "view", "https://github.com/acme/widgets/pull/1", "--json", "state",
        "--jq", ".state"]
    assert (repo / "a.txt").read_text() == "alpha\n"
    assert git(repo, "for-each-ref", "refs/gitorch", "refs/heads/gitorch") == ""


def test_per_track_pull_requests_chain_and_merge_cleanly_in_order(tmp_path: Path) -> None:
    config = "land:\n  mode: pr\n  pr: per-track\n"
    repo = scripted_repo(tmp_path, roadmap_of("put a.txt alpha", "put b.txt beta",
                                              "put c.txt gamma"), extra_config=config)
    env = on_github(tmp_path, repo)
    run_gitorch(repo, "start", "--wait", "--parallel", "3", env=env, check=True)
    before = git(repo, "rev-parse", "main").strip()

    requests = land_json(repo, env)["pull_requests"]

    assert isinstance(requests, list) and [r["tracks"] for r in requests] == [
        ["A/1"], ["A/2"], ["A/3"]]
    branches = [r["branch"] for r in requests]
    assert [r["base"] for r in requests] == ["main", *branches[:2]]
    assert [c["argv"][5] for c in gh_calls(tmp_path)] == ["main", *branches[:2]]
    remote = tmp_path / "remote.git"
    assert git(remote, "rev-parse", "main").strip() == before
    for request, parent in zip(requests, [before, *[r["head"] for r in requests]],
                               strict=False):
        assert git(remote, "log", "--format=%s", f"{parent}..{request['head']}"
                   ).splitlines() == [f"Mark {request['tracks'][0]} done in ROADMAP.md",
                                      f"{request['tracks'][0]}: scripted work"]

    merge_on_remote(tmp_path, branches[0])
    assert land_json(repo, env)["landed"] == ["A/1"]
    states = {t: v["state"] for t, v in tracks_by_id(repo).items()}
    assert (states["A/1"], states["A/2"], states["A/3"]) == ("landed", "in-pr", "in-pr")

    merge_on_remote(tmp_path, branches[1])
    merge_on_remote(tmp_path, branches[2])
    assert land_json(repo, env)["landed"] == ["A/2", "A/3"]
    roadmap = (repo / "ROADMAP.md").read_text()
    assert "## Group A: Work ✅" in roadmap and "### Track 3: Track number 3 ✅" in roadmap
    assert (repo / "c.txt").read_text() == "gamma\n"


def test_a_remote_off_github_gets_the_branch_and_how_to_open_it(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, roadmap_of("put a.txt alpha"))
    run_gitorch(repo, "start", "--wait", check=True)
    done = run_gitorch(repo, "land", "--pr", check=True)
    [branch] = git(tmp_path / "remote.git", "for-each-ref", "--format=%(refname:short)",
                   "refs/heads/gitorch/land").split()
    assert f"↑ A/1 in pull request {branch}" in done.stdout
    assert f"pushed {branch} (the remote is not on GitHub); open a pull request from " \
           f"{branch} into main on your git host" in done.stdout
    body = repo / ".git" / "gitorch" / "pull-requests" / f"{branch.split('/')[-1]}.md"
    assert "### A/1: Track number 1" in body.read_text()


def test_github_without_gh_prints_the_gh_command(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, roadmap_of("put a.txt alpha"))
    on_github(tmp_path, repo)  # the fake gh is not put on PATH
    run_gitorch(repo, "start", "--wait", check=True)
    result = land_json(repo, None, "--pr")
    [request] = result["pull_requests"]  # type: ignore[misc]
    assert request["url"] is None
    [note] = result["notes"]  # type: ignore[misc]
    assert note.startswith(f"pushed {request['branch']} (gh is not installed); open its pull "
                           "request with: gh pr create --repo acme/widgets --base main "
                           f"--head {request['branch']} --title 'Land A/1 Track number 1' "
                           "--body-file ")
    assert tracks_by_id(repo)["A/1"]["state"] == "in-pr"


def test_pr_without_a_push_is_refused(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, roadmap_of("put a.txt alpha"))
    run_gitorch(repo, "start", "--wait", check=True)
    done = run_gitorch(repo, "land", "--pr", "--no-push")
    assert done.returncode == 1
    assert done.stderr.startswith("Error: land.mode pr pushes a branch: it needs a remote")
    assert tracks_by_id(repo)["A/1"]["state"] == "done"


def test_run_opens_the_pull_request_and_a_later_tick_sees_it_merged(tmp_path: Path) -> None:
    roadmap = "# Plan\n\n## Group A: Work\n\n### Track 1: Only\nput a.txt alpha\n"
    repo = scripted_repo(tmp_path, roadmap, extra_config="land:\n  mode: pr\n")
    env = on_github(tmp_path, repo)
    remote = tmp_path / "remote.git"
    run = subprocess.Popen([gitorch_exe(), "run", "--every", "0.3s", "--for", "5m"], cwd=repo,
                           env={**os.environ, **env}, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 120
        while not git(remote, "for-each-ref", "refs/heads/gitorch/land") \
                and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        [branch] = git(remote, "for-each-ref", "--format=%(refname:short)",
                       "refs/heads/gitorch/land").split()
        merge_on_remote(tmp_path, branch)
        out, _ = run.communicate(timeout=120)
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
    assert run.returncode == 0, out
    assert "↑ A/1 in pull request https://github.com/acme/widgets/pull/1" in out
    assert "Landed A/1: their pull request merged" in out
    record = repo / ".git" / "gitorch" / "tracks" / "group_A_track_1.json"
    assert json.loads(record.read_text())["state"] == "landed"
    assert "## Group A: Work ✅" in (repo / "ROADMAP.md").read_text()


def test_a_released_track_stops_waiting_on_its_pull_request(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, roadmap_of("put a.txt alpha"))
    env = on_github(tmp_path, repo)
    run_gitorch(repo, "start", "--wait", env=env, check=True)
    land_json(repo, env, "--pr")
    run_gitorch(repo, "release", "A/1", env=env, check=True)
    assert land_json(repo, env)["landed"] == []
    assert [c["argv"][:2] for c in gh_calls(tmp_path)] == [["pr", "create"]]
    assert not list((repo / ".git" / "gitorch" / "pull-requests").iterdir())
    assert tracks_by_id(repo)["A/1"]["state"] == "pending"
