"""Land trusts what it saw (DESIGN §14): a runner's end, its recorded tip, main's move."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import (
    agent_repo,
    background_run,
    git,
    land_paused_at,
    read_json_file,
    run_gitorch,
    scripted_repo,
    wait_ended,
)

BRANCH_2, BRANCH_3 = "gitorch/A/2/two", "gitorch/A/3/three"
ONE_TRACK = "# Plan\n\n## Group A: Work\n\n### Track 1: Early\nGo.\n\n## Group Z: Later\n\n" \
            "### Track 1: Next\nLater.\n"


def record_path(repo: Path, track: str) -> Path:
    key = "group_{}_track_{}".format(*track.split("/"))
    return repo / ".git" / "gitorch" / "tracks" / f"{key}.json"


def state_of(repo: Path, track: str) -> object:
    path = record_path(repo, track)
    return read_json_file(path).get("state") if path.exists() else None


def wait_for(path: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)


@pytest.fixture
def early_done(tmp_path: Path) -> Iterator[Path]:
    """A track whose agent committed `Gitorch-Done: true` and now reviews, held there."""
    repo = agent_repo(tmp_path / "repo", ONE_TRACK, agent="early_done.sh")
    run_gitorch(repo, "init", check=True)
    env = {"AGENT_REVIEWING": str(tmp_path / "reviewing"), "AGENT_GO": str(tmp_path / "go")}
    run_gitorch(repo, "start", "-t", "A/1", env=env, check=True)
    try:
        wait_for(tmp_path / "reviewing")
        yield repo
    finally:
        run_gitorch(repo, "stop", "--all")


def test_a_trailer_while_the_runner_runs_waits_for_its_end(tmp_path: Path,
                                                           early_done: Path) -> None:
    repo = early_done
    early = json.loads(run_gitorch(repo, "land", "--json", check=True).stdout)
    assert early["landed"] == []
    named = run_gitorch(repo, "land", "--json", "A/1")
    assert named.returncode == 1
    assert json.loads(named.stdout)["skipped"] == {"A/1": "not done (running)"}
    assert read_json_file(record_path(repo, "A/1"))["state"] == "running"
    (tmp_path / "go").touch()
    assert wait_ended(repo, "A/1")["state"] == "done"
    result = json.loads(run_gitorch(repo, "land", "--json", check=True).stdout)
    assert result["landed"] == ["A/1"]
    assert (repo / "work-A-1.txt").exists() and (repo / "review.txt").exists()


def test_run_lands_a_track_with_an_early_trailer_only_once_its_runner_ends(
        tmp_path: Path) -> None:
    roadmap = ONE_TRACK.replace("## Group Z", "### Track 2: Plain\nGo.\n\n## Group Z")
    repo = agent_repo(tmp_path / "repo", roadmap, agent="early_done.sh")
    run_gitorch(repo, "init", check=True)
    env = {"AGENT_REVIEWING": str(tmp_path / "reviewing"), "AGENT_GO": str(tmp_path / "go"),
           "AGENT_EARLY": "A/1"}
    with background_run(repo, "--every", "0.3s", env=env) as run:
        deadline = time.monotonic() + 60
        while "landed" not in (state_of(repo, "A/1"), state_of(repo, "A/2")):
            assert time.monotonic() < deadline and run.poll() is None
            time.sleep(0.05)
        assert state_of(repo, "A/1") == "running"
        assert (tmp_path / "repo.tracks" / "group_A_track_1").is_dir()
        (tmp_path / "go").touch()
        out, err = run.communicate(timeout=60)
    assert run.returncode == 0, out + err
    assert "Landed A/1" in out
    assert read_json_file(record_path(repo, "A/1"))["state"] == "landed"
    assert (repo / "review.txt").exists()


def test_a_runner_never_turns_a_landed_record_back(tmp_path: Path, early_done: Path) -> None:
    """A track marked landed under its runner (by a land that did not wait) stays landed."""
    repo = early_done
    path = record_path(repo, "A/1")
    document = read_json_file(path)
    path.write_text(json.dumps({**document, "state": "landed"}))
    (tmp_path / "go").touch()
    ended = wait_ended(repo, "A/1")
    assert ended["state"] == "landed", ended
    log = (repo / ".git" / "gitorch" / "logs" / "group_A_track_1.log").read_text()
    assert "Track A/1 ended: landed" in log


def three_tracks(tmp_path: Path, first: str, second: str = "", third: str = "") -> Path:
    """A/1 to A/3, each putting its own file; first, second and third add steps."""
    tracks = "".join(f"### Track {n}: {name}\nput {name}.txt {n}\n{more}\n\n"
                     for n, name, more in ((1, "one", first), (2, "two", second),
                                           (3, "three", third)))
    roadmap = f"# Plan\n\n## Group A: Work\n\n{tracks}## Group Z: Later\n\n### Track 1: Next\n"
    return scripted_repo(tmp_path, roadmap, remote=False)


def marked_done(repo: Path) -> list[str]:
    roadmap = git(repo, "show", "main:ROADMAP.md")
    return [name for name in ("one", "two", "three") if f": {name} ✅" in roadmap]


def test_branches_another_agent_moved_are_refused(tmp_path: Path) -> None:
    repo = three_tracks(tmp_path, f"commit\nwait {tmp_path / 'go'}\npoint {BRANCH_2}\n"
                                  f"point {BRANCH_3}")
    run_gitorch(repo, "start", check=True)
    for track in ("A/2", "A/3"):
        assert wait_ended(repo, track)["state"] == "done"
    (tmp_path / "go").touch()
    assert wait_ended(repo, "A/1")["state"] == "done"
    assert git(repo, "rev-parse", BRANCH_2) == git(repo, "rev-parse", "gitorch/A/1/one")

    result = json.loads(run_gitorch(repo, "land", "--json", "A/1", "A/2", "A/3").stdout)
    assert result["landed"] == ["A/1"], result
    skipped = result["skipped"]
    assert set(skipped) == {"A/2", "A/3"}
    assert skipped["A/2"].startswith(f"branch {BRANCH_2} moved since its runner ended on ")
    assert git(repo, "ls-tree", "--name-only", "main").split() == [
        "ROADMAP.md", "gitorch.yaml", "one.txt"]
    assert marked_done(repo) == ["one"]
    status = json.loads(run_gitorch(repo, "status", "--json", check=True).stdout)
    problems = {t["id"]: t["problem"] for t in status["tracks"]}
    assert problems["A/2"] == f"land refuses it: {skipped['A/2']}"
    assert problems["A/1"] is None
    line = next(x for x in run_gitorch(repo, "status", check=True).stdout.splitlines()
                if x.startswith("A/2 "))
    assert "problem: land refuses it: branch" in line


def test_a_tip_made_by_another_track_is_refused(tmp_path: Path) -> None:
    """A/1's agent moved A/2's branch under A/2's live runner: A/2 recorded A/1's commit."""
    repo = three_tracks(tmp_path, f"commit\nwait {tmp_path / 'go'}\npoint {BRANCH_2}",
                        f"review-wait {tmp_path / 'review'}")
    run_gitorch(repo, "init", check=True)  # its commit events say who made a commit
    run_gitorch(repo, "start", "-t", "A/1", "-t", "A/2", check=True)
    wait_for(tmp_path / "review.waiting")
    (tmp_path / "go").touch()
    assert wait_ended(repo, "A/1")["state"] == "done"
    (tmp_path / "review").touch()
    assert wait_ended(repo, "A/2")["state"] == "done"

    refused = "its commits are all A/1's (branch gitorch/A/1/one): none was made on this track"
    status = json.loads(run_gitorch(repo, "status", "--json", check=True).stdout)
    problems = {t["id"]: t["problem"] for t in status["tracks"]}
    assert problems == {"A/1": None, "A/2": f"land refuses it: {refused}", "A/3": None}
    result = json.loads(run_gitorch(repo, "land", "--json", "A/1", "A/2").stdout)
    assert result["landed"] == ["A/1"], result
    assert result["skipped"] == {"A/2": refused}
    assert marked_done(repo) == ["one"]
    again = json.loads(run_gitorch(repo, "land", "--json", "A/2").stdout)
    assert again["skipped"] == {"A/2": "its commits are on main already: nothing to land"}
    assert marked_done(repo) == ["one"]


def test_records_from_before_tips_land_their_branch_but_mark_only_what_landed(
        tmp_path: Path) -> None:
    """Tracks running when gitorch was upgraded have no recorded tip: land reads the
    branch, as before, but a track that brings nothing onto main is not marked done."""
    repo = three_tracks(tmp_path, f"commit\nwait {tmp_path / 'go'}\npoint {BRANCH_2}")
    run_gitorch(repo, "start", "-t", "A/1", "-t", "A/2", check=True)
    assert wait_ended(repo, "A/2")["state"] == "done"
    (tmp_path / "go").touch()
    assert wait_ended(repo, "A/1")["state"] == "done"
    for track in ("A/1", "A/2"):
        path = record_path(repo, track)
        path.write_text(json.dumps({k: v for k, v in read_json_file(path).items()
                                    if k != "tip"}))

    result = json.loads(run_gitorch(repo, "land", "--json").stdout)
    assert result["landed"] == ["A/1"], result
    assert result["skipped"] == {"A/2": "its commits are on main already: nothing to land"}
    assert marked_done(repo) == ["one"]


def let_go(landing: subprocess.Popen[str], marker: Path) -> tuple[str, str]:
    """Let a paused land go on, past the same step again if it retries; its output."""
    deadline = time.monotonic() + 60
    while landing.poll() is None:
        assert time.monotonic() < deadline, "land did not end"
        marker.unlink(missing_ok=True)
        time.sleep(0.02)
    return landing.communicate()


def commit_on_main(repo: Path) -> str:
    """A person's commit on the local main, in the main worktree."""
    (repo / "person.txt").write_text("by hand\n")
    git(repo, "add", "person.txt")
    git(repo, "commit", "-q", "-m", "A person's commit")
    return git(repo, "rev-parse", "main").strip()


ONE = "# Plan\n\n## Group A: Work\n\n### Track 1: One\nput one.txt 1\n\n## Group Z: Later\n\n" \
      "### Track 1: Next\n"


def test_a_commit_on_main_after_the_push_finishes_the_landing_and_says_rebase(
        tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, ONE)
    remote = tmp_path / "remote.git"
    run_gitorch(repo, "start", "--wait", check=True)
    old = git(repo, "rev-parse", "main").strip()
    landing = land_paused_at(repo, "ref-update", tmp_path / "paused", "--json")
    mine = commit_on_main(repo)
    out, err = let_go(landing, tmp_path / "paused")
    assert landing.returncode == 1, err
    result = json.loads(out)
    published = git(remote, "rev-parse", "main").strip()
    assert result["landed"] == ["A/1"] and result["pushed"] is True
    assert result["main"] == {"old": old, "new": published}
    assert result["diverged"] == (
        f"origin/main has the landing ({published[:12]}), but main moved to {mine[:12]} "
        f"meanwhile; put your commits on top: git -C {repo} pull --rebase origin main")
    assert git(repo, "rev-parse", "main").strip() == mine
    assert read_json_file(record_path(repo, "A/1"))["state"] == "landed"
    assert git(repo, "for-each-ref", "refs/gitorch/claims") == ""
    assert not (repo / ".git" / "gitorch" / "landing.json").exists()

    status = run_gitorch(repo, "status", check=True).stdout.splitlines()
    assert status[1] == (f"main has diverged from origin/main (2 commits there, 1 here): "
                         f"git -C {repo} pull --rebase origin main")
    assert "interrupted" not in "\n".join(status)
    git(repo, "pull", "-q", "--rebase", "origin", "main")
    assert git(repo, "rev-parse", "main~1").strip() == published
    assert json.loads(run_gitorch(repo, "status", "--json", check=True).stdout)[
        "behind"] is None
    assert run_gitorch(repo, "land", check=True).stdout.startswith("Nothing to land.")


def test_a_commit_on_main_before_the_push_lands_on_top_of_it(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, ONE)
    run_gitorch(repo, "start", "--wait", check=True)
    landing = land_paused_at(repo, "push", tmp_path / "paused", "--json")
    mine = commit_on_main(repo)
    out, err = let_go(landing, tmp_path / "paused")
    assert landing.returncode == 0, err
    result = json.loads(out)
    assert result["landed"] == ["A/1"] and result["diverged"] is None
    main = git(repo, "rev-parse", "main").strip()
    assert git(tmp_path / "remote.git", "rev-parse", "main").strip() == main
    assert git(repo, "merge-base", "--is-ancestor", mine, main) == ""
    assert (repo / "one.txt").exists() and (repo / "person.txt").exists()


def test_a_commit_on_main_during_a_local_land_is_landed_onto(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, ONE, remote=False)
    run_gitorch(repo, "start", "--wait", check=True)
    landing = land_paused_at(repo, "ref-update", tmp_path / "paused", "--json")
    mine = commit_on_main(repo)
    out, err = let_go(landing, tmp_path / "paused")
    assert landing.returncode == 0, err
    result = json.loads(out)
    assert result["landed"] == ["A/1"] and result["attempts"] == 2
    main = git(repo, "rev-parse", "main").strip()
    assert git(repo, "rev-parse", "main~2").strip() == mine  # the track, then the roadmap
    assert (repo / "one.txt").exists() and (repo / "person.txt").exists()
    assert result["main"]["new"] == main
    assert not (repo / ".git" / "gitorch" / "landing.json").exists()
    assert git(repo, "status", "--porcelain") == ""
