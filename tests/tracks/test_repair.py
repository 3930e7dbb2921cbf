"""Repairs (DESIGN §12): conflicts and red gates back to the agent; a person's fix lands."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from helpers import git, run_gitorch, scripted_repo

BRANCH_2 = "gitorch/A-2-track-number-2"
GATE = ("land:\n  test_command: [sh, -c, 'if grep -rl BAD --include=*.txt .; then echo red gate; "
        "exit 1; fi']\n")


def roadmap_of(*bodies: str) -> str:
    tracks = "".join(f"### Track {n}: Track number {n}\n{body}\n\n"
                     for n, body in enumerate(bodies, 1))
    return f"# Plan\n\n## Group A: Work\n\n{tracks}## Group Z: Later\n\n### Track 1: Next\n"


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
    assert view["next"] == "gitorch repair A/2 (or fix it in " \
        f"{tmp_path / 'repo.tracks' / 'group_A_track_2'} and commit, then gitorch land A/2)"
    assert view["wip_ref"] == "refs/gitorch/wip/A/2"
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
    assert git(repo, "for-each-ref", "refs/gitorch/wip") == ""


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
