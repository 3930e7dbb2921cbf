"""Repairs (DESIGN §12): conflicts and red gates back to the agent; a person's fix lands."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

from helpers import git, run_gitorch, scripted_repo, wait_ended

BRANCH_2 = "gitorch/A/2/track-number-2"
GATE = ("land:\n  test_command: [sh, -c, 'if grep -rl BAD --include=*.txt .; then echo red gate; "
        "exit 1; fi']\n")


def roadmap_of(*bodies: str, later: bool = True) -> str:
    tracks = "".join(f"### Track {n}: Track number {n}\n{body}\n\n"
                     for n, body in enumerate(bodies, 1))
    return f"# Plan\n\n## Group A: Work\n\n{tracks}" + (
        "## Group Z: Later\n\n### Track 1: Next\n" if later else "")


def land_json(repo: Path, *args: str) -> dict[str, object]:
    done = run_gitorch(repo, "land", "--json", *args)
    document = json.loads(done.stdout)
    assert isinstance(document, dict), done.stderr
    return document


def run_git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                          check=False)


def record(repo: Path, track: str) -> dict[str, object]:
    key = "group_{}_track_{}".format(*track.split("/"))
    document = json.loads((repo / f".git/gitorch/tracks/{key}.json").read_text())
    assert isinstance(document, dict)
    return document


def tracks(repo: Path) -> dict[str, dict[str, object]]:
    status = json.loads(run_gitorch(repo, "status", "--json", check=True).stdout)
    return {t["id"]: t for t in status["tracks"]}


def conflicted(tmp_path: Path, second: str = "put same.txt two", extra: str = "") -> Path:
    """Two tracks that rewrote the same line of same.txt; the second left out as conflict."""
    repo = scripted_repo(tmp_path, roadmap_of("put same.txt one", second),
                         files={"same.txt": "base\n", "other.txt": "kept\n"},
                         extra_config=extra)
    run_gitorch(repo, "start", "--wait", check=True)
    result = land_json(repo)
    assert result["conflict"] == {"A/2": ["same.txt"]}
    return repo


def test_conflict_is_resolved_by_the_agent_and_both_land(tmp_path: Path) -> None:
    repo = conflicted(tmp_path)
    view = tracks(repo)["A/2"]
    assert view["state"] == "conflict"
    assert view["reason"] == "conflicts with main in same.txt"
    assert view["next"] == "gitorch repair A/2 (or rebase it onto main in " \
        f"{tmp_path / 'repo.tracks' / 'group_A_track_2'}, then gitorch land A/2)"
    assert view["wip_ref"] == "refs/gitorch/track/A/2/wip"
    # A hand-made resolution of the same conflict: both lines, main's first.
    git(repo, "checkout", "-q", "-b", "by-hand", "main")
    (repo / "same.txt").write_text("one\ntwo\n")
    git(repo, "commit", "-qam", "by hand")
    expected = git(repo, "rev-parse", "HEAD^{tree}").strip()
    git(repo, "checkout", "-q", "main")
    done = run_gitorch(repo, "repair", "A/2", "--wait")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "A/2 is done" in done.stdout
    prompt = (repo / ".git/gitorch/prompts/group_A_track_2.resolve.md").read_text()
    assert "- same.txt" in prompt
    assert "- " + git(repo, "log", "-1", "--format=%h %s", "main", "--", "same.txt").strip() \
        in prompt
    result = land_json(repo)
    assert result["landed"] == ["A/2"]
    # The landed tree is the hand-made one, but for A/2 being marked done.
    diff = git(repo, "diff", "--name-only", expected, "main").split()
    assert diff == ["ROADMAP.md"]
    assert record(repo, "A/2")["state"] == "landed"
    assert git(repo, "for-each-ref", "refs/gitorch/track") == ""


def test_markers_left_by_the_agent_are_refused_and_nothing_is_lost(tmp_path: Path) -> None:
    repo = conflicted(tmp_path, "put same.txt two\nkeep-markers")
    tip = git(repo, "rev-parse", BRANCH_2).strip()
    done = run_gitorch(repo, "repair", "A/2", "--wait")
    assert done.returncode == 1
    assert "conflict markers left in same.txt" in done.stdout
    worktree = tmp_path / "repo.tracks" / "group_A_track_2"
    assert git(repo, "rev-parse", BRANCH_2).strip() == tip  # the rebase was aborted
    assert not (worktree / ".git").is_file() or git(worktree, "status", "--porcelain") == ""
    view = tracks(repo)["A/2"]
    assert view["state"] == "conflict" and view["repairs"] == 1
    assert land_json(repo)["landed"] == []  # an unmoved branch is no fix


def test_red_gate_is_fixed_by_the_agent_and_lands(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, roadmap_of("put a.txt good", "put b.txt BAD\nfix b.txt good"),
                         extra_config=GATE)
    run_gitorch(repo, "start", "--wait", check=True)
    result = land_json(repo)
    assert result["landed"] == ["A/1"] and result["gate_failed"] == ["A/2"]
    view = tracks(repo)["A/2"]
    assert view["state"] == "gate-failed"
    land = run_gitorch(repo, "land")
    assert "gitorch repair A/2" in land.stdout  # land alone starts no agent
    assert tracks(repo)["A/2"]["state"] == "gate-failed"
    done = run_gitorch(repo, "repair", "A/2", "--wait")
    assert done.returncode == 0, done.stdout + done.stderr
    prompt = (repo / ".git/gitorch/prompts/group_A_track_2.fix.md").read_text()
    assert "./b.txt\nred gate" in prompt
    result = land_json(repo)
    assert result["landed"] == ["A/2"], result
    assert (repo / "b.txt").read_text() == "good\n"


def test_a_fix_left_uncommitted_is_no_fix_and_is_kept(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, roadmap_of(
        "put a.txt good", "put b.txt BAD\nfix b.txt good\nno-fix-commit"), extra_config=GATE)
    run_gitorch(repo, "start", "--wait", check=True)
    assert land_json(repo)["gate_failed"] == ["A/2"]
    done = run_gitorch(repo, "repair", "A/2", "--wait")
    assert done.returncode == 1
    worktree = tmp_path / "repo.tracks" / "group_A_track_2"
    view = tracks(repo)["A/2"]
    assert view["state"] == "gate-failed" and view["repairs"] == 1
    assert view["reason"] == ("fix failed: the agent committed no fix; what it changed is "
                              f"uncommitted in {worktree}")
    assert git(repo, "show", "refs/gitorch/track/A/2/wip:b.txt") == "good\n"  # nothing lost
    again = land_json(repo)
    assert again["landed"] == [] and again["gate_runs"] == 0  # the same commits: no gate


def test_a_persons_rebase_in_the_worktree_lands_with_land_id(tmp_path: Path) -> None:
    repo = conflicted(tmp_path)
    worktree = tmp_path / "repo.tracks" / "group_A_track_2"
    skipped = land_json(repo, "A/2")
    assert "not done (conflict)" in str(skipped["skipped"])
    rebase = run_git(worktree, "rebase", "main")
    assert rebase.returncode != 0
    (worktree / "same.txt").write_text("one\ntwo\n")
    git(worktree, "add", "same.txt")
    git(worktree, "-c", "core.editor=true", "rebase", "--continue")
    result = land_json(repo, "A/2")
    assert result["landed"] == ["A/2"], result
    assert (repo / "same.txt").read_text() == "one\ntwo\n"


def test_run_resolves_the_conflict_and_lands_both(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, roadmap_of("put same.txt one", "put same.txt two",
                                              later=False), files={"same.txt": "base\n"})
    done = run_gitorch(repo, "run", "--every", "0.3s")
    assert done.returncode == 0, done.stdout + done.stderr
    # Whichever track finished second is the one that conflicts.
    second = re.search(r"↻ Resolving Track (A/[12]) \(repair 1 of 2\)", done.stdout)
    assert second is not None, done.stdout
    assert "The roadmap is done." in done.stdout
    merged = git(tmp_path / "remote.git", "show", "main:same.txt")
    assert merged == ("one\ntwo\n" if second.group(1) == "A/2" else "two\none\n")


def test_run_exits_1_naming_the_track_once_its_repairs_are_spent(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, roadmap_of("put same.txt one\nkeep-markers",
                                              "put same.txt two\nkeep-markers", later=False),
                         files={"same.txt": "base\n"})
    done = run_gitorch(repo, "run", "--every", "0.3s")
    assert done.returncode == 1, done.stdout + done.stderr
    stuck = re.search(r"Resolving Track (A/[12]) \(repair 2 of 2\)", done.stdout)
    assert stuck is not None and "(repair 3 of 2)" not in done.stdout, done.stdout
    track = stuck.group(1)
    worktree = tmp_path / "repo.tracks" / f"group_A_track_{track[-1]}"
    assert done.stderr == (
        f"Error: the run left work for a person: {track} resolve failed: conflict markers left "
        f"in same.txt; 2 repairs spent: rebase it onto main in {worktree}, then gitorch land "
        f"{track} (see gitorch status)\n")
    assert record(repo, track)["repairs"] == 2


def test_no_repair_with_land_repair_false(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, roadmap_of("put same.txt one", "put same.txt two",
                                              later=False), files={"same.txt": "base\n"},
                         extra_config="land:\n  repair: false\n")
    done = run_gitorch(repo, "run", "--every", "0.3s")
    assert done.returncode == 1
    assert "Resolving" not in done.stdout
    # Whichever finished second conflicts, and stays left out for a person.
    assert re.search(r"A/[12] conflicts with main in same\.txt; gitorch repair", done.stderr), \
        done.stderr


def test_kill_9_mid_rebase_then_run_finishes_it_and_loses_nothing(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, roadmap_of("put same.txt one", "put same.txt two",
                                              later=False), files={"same.txt": "base\n"})
    run_gitorch(repo, "start", "--wait", check=True)
    land_json(repo)
    tip = git(repo, "rev-parse", BRANCH_2).strip()
    worktree = tmp_path / "repo.tracks" / "group_A_track_2"
    run_gitorch(repo, "repair", "A/2", env={"AGENT_RESOLVE_SLEEP": "30"}, check=True)
    deadline = time.monotonic() + 30
    while not record(repo, "A/2").get("agent_pgid"):
        assert time.monotonic() < deadline, "the resolve phase never started"
        time.sleep(0.1)
    runner = record(repo, "A/2")
    assert (worktree / ".git").is_file() and run_git(worktree, "status").stdout.count("rebase")
    os.kill(int(str(runner["pid"])), signal.SIGKILL)
    os.killpg(int(str(runner["agent_pgid"])), signal.SIGKILL)
    time.sleep(0.3)
    view = tracks(repo)["A/2"]
    assert view["state"] == "conflict"
    assert "resolve was interrupted (a rebase may be under way" in str(view["problem"])
    assert git(repo, "rev-parse", BRANCH_2).strip() == tip
    assert git(repo, "rev-parse", "refs/gitorch/track/A/2/wip").strip() == tip
    done = run_gitorch(repo, "run", "--every", "0.3s")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Resolving Track A/2 again, after its runner was killed (repair 1 of 2)" \
        in done.stdout
    assert git(repo, "show", "main:same.txt") == "one\ntwo\n"
    # The track's own commit is on main, rewritten, with its message kept.
    assert git(repo, "log", "--format=%s", "main").count("A/2: scripted work") == 1


def test_discard_then_start_gives_a_fresh_worktree_and_keeps_the_wip_ref(tmp_path: Path) -> None:
    repo = conflicted(tmp_path)
    worktree = tmp_path / "repo.tracks" / "group_A_track_2"
    (worktree / "notes.txt").write_text("not committed\n")
    tip = git(repo, "rev-parse", BRANCH_2).strip()
    done = run_gitorch(repo, "discard", "A/2", check=True)
    assert "Discarded A/2: it is pending again; its work is kept at refs/gitorch/track/A/2/wip" \
        in done.stdout
    assert not worktree.exists()
    assert git(repo, "branch", "--list", BRANCH_2) == ""
    assert git(repo, "for-each-ref", "refs/gitorch/claims") == ""
    wip = git(repo, "rev-parse", "refs/gitorch/track/A/2/wip").strip()
    assert git(repo, "rev-parse", f"{wip}^").strip() == tip
    assert git(repo, "show", f"{wip}:notes.txt") == "not committed\n"
    assert tracks(repo)["A/2"]["state"] == "pending"
    run_gitorch(repo, "clean", check=True)
    assert git(repo, "rev-parse", "refs/gitorch/track/A/2/wip").strip() == wip
    run_gitorch(repo, "start", "--track", "A/2", check=True)
    wait_ended(repo, "A/2")
    assert not (worktree / "notes.txt").exists()
    assert (worktree / "same.txt").read_text() == "two\n"
    assert git(repo, "merge-base", BRANCH_2, "main").strip() == git(repo, "rev-parse",
                                                                   "main").strip()
    assert land_json(repo)["landed"] == ["A/2"]


def test_a_repair_refreshes_a_shared_claim_before_it_starts(tmp_path: Path) -> None:
    repo = conflicted(tmp_path, extra="claims:\n  remote: true\n")
    remote = tmp_path / "remote.git"
    before = git(remote, "rev-parse", "refs/gitorch/claims/A/2").strip()
    done = run_gitorch(repo, "repair", "A/2", "--wait")
    assert done.returncode == 0, done.stdout + done.stderr
    after = git(remote, "rev-parse", "refs/gitorch/claims/A/2").strip()
    assert after != before
    assert git(repo, "rev-parse", "refs/gitorch/claims/A/2").strip() == after
    assert land_json(repo)["landed"] == ["A/2"]


def test_run_lands_a_track_a_person_fixed_in_its_worktree(tmp_path: Path) -> None:
    repo = conflicted(tmp_path, extra="land:\n  repair: false\n")
    worktree = tmp_path / "repo.tracks" / "group_A_track_2"
    assert run_git(worktree, "rebase", "main").returncode != 0
    (worktree / "same.txt").write_text("two\n")  # theirs wins, by a person's choice
    git(worktree, "add", "same.txt")
    git(worktree, "-c", "core.editor=true", "rebase", "--continue")
    view = tracks(repo)["A/2"]
    assert view["next"] == "its branch moved since: gitorch land A/2"
    done = run_gitorch(repo, "run", "--every", "0.3s")
    assert "Landed A/2" in done.stdout, done.stdout + done.stderr
    assert record(repo, "A/2")["state"] == "landed"
    assert (repo / "same.txt").read_text() == "two\n"
