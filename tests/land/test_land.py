"""`gitorch land`: replay onto main, conflicts as data, the gate, one push, clean-up."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import git, run_gitorch, scripted_repo


def roadmap_of(*bodies: str, group: str = "A") -> str:
    tracks = "".join(f"### Track {n}: Track number {n}\n{body}\n\n"
                     for n, body in enumerate(bodies, 1))
    return f"# Plan\n\n## Group {group}: Work\n\n{tracks}## Group Z: Later\n\n### Track 1: Next\n"


def land_json(repo: Path, *args: str, code: int = 0) -> dict[str, object]:
    done = run_gitorch(repo, "land", "--json", *args)
    assert done.returncode == code, done.stderr + done.stdout
    assert done.stdout, done.stderr
    document = json.loads(done.stdout)
    assert isinstance(document, dict)
    return document


def test_land_replays_pushes_marks_done_and_cleans_up(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, roadmap_of("put a.txt alpha", "put b/b.txt beta"))
    run_gitorch(repo, "start", "--wait", check=True)
    before = git(repo, "rev-parse", "main").strip()
    result = land_json(repo)
    assert result["landed"] == ["A/1", "A/2"]
    assert result["pushed"] is True
    main = git(repo, "rev-parse", "main").strip()
    assert git(tmp_path / "remote.git", "rev-parse", "main").strip() == main
    assert result["main"] == {"old": before, "new": main}
    log = git(repo, "log", "--format=%s", f"{before}..main").splitlines()
    assert log == ["Mark A/1, A/2 done in ROADMAP.md", "A/2: scripted work",
                   "A/1: scripted work"]
    assert git(repo, "rev-list", "--merges", f"{before}..main") == ""
    assert (repo / "a.txt").read_text() == "alpha\n"
    assert (repo / "b" / "b.txt").read_text() == "beta\n"
    roadmap = (repo / "ROADMAP.md").read_text()
    assert "### Track 1: Track number 1 ✅\n" in roadmap
    assert "## Group A: Work ✅\n" in roadmap
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "for-each-ref", "refs/gitorch", "refs/heads/gitorch") == ""
    assert not (tmp_path / "repo.tracks" / "group_A_track_1").exists()
    status = json.loads(run_gitorch(repo, "status", "--json", check=True).stdout)
    assert status["group"]["id"] == "Z"


def test_authors_dates_and_messages_are_kept(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, roadmap_of("put a.txt alpha"), remote=False)
    run_gitorch(repo, "start", "--wait", check=True)
    original = git(repo, "log", "-1", "--format=%an|%ae|%ad|%cn|%ce|%cd|%B",
                   "gitorch/A/1/track-number-1")
    land_json(repo)
    landed = git(repo, "log", "-1", "--format=%an|%ae|%ad|%cn|%ce|%cd|%B", "main~1")
    assert landed == original


def test_conflict_is_data_and_the_others_land(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, roadmap_of("put same.txt one", "put same.txt two",
                                              "put c.txt three"))
    run_gitorch(repo, "start", "--wait", check=True)
    branch_tip = git(repo, "rev-parse", "gitorch/A/2/track-number-2").strip()
    result = land_json(repo, code=1)
    assert result["landed"] == ["A/1", "A/3"]
    assert result["conflict"] == {"A/2": ["same.txt"]}
    assert (repo / "same.txt").read_text() == "one\n"
    assert git(repo, "rev-parse", "gitorch/A/2/track-number-2").strip() == branch_tip
    assert (tmp_path / "repo.tracks" / "group_A_track_2" / "same.txt").read_text() == "two\n"
    status = json.loads(run_gitorch(repo, "status", "--json", check=True).stdout)
    states = {t["id"]: t["state"] for t in status["tracks"]}
    assert states["A/2"] == "conflict"
    log = (repo / ".git" / "gitorch" / "logs" / "group_A_track_2.log").read_text()
    assert "Conflict while landing: same.txt" in log


@pytest.mark.parametrize("bad", [(5,), (3, 6)])
def test_gate_bisects_to_the_culprits(tmp_path: Path, bad: tuple[int, ...]) -> None:
    bodies = [f"put t{n}.txt {'BAD' if n in bad else 'good'}" for n in range(1, 9)]
    gate = "land:\n  test_command: [sh, -c, '! grep -rq BAD --include=*.txt .']\n"
    repo = scripted_repo(tmp_path, roadmap_of(*bodies), extra_config=gate)
    run_gitorch(repo, "start", "--wait", "--parallel", "8", check=True)
    result = land_json(repo, code=1)
    assert result["gate_failed"] == [f"A/{n}" for n in bad]
    assert result["landed"] == [f"A/{n}" for n in range(1, 9) if n not in bad]
    runs = result["gate_runs"]
    assert isinstance(runs, int) and runs <= 1 + 2 * len(bad) * 3  # 1 + 2k*ceil(log2 8)
    assert not (repo / f"t{bad[0]}.txt").exists() and (repo / "t8.txt").exists()
    log = (repo / ".git" / "gitorch" / "logs" / f"group_A_track_{bad[-1]}.log").read_text()
    assert f"Test gate failed with Track A/{bad[-1]}" in log


def test_dry_run_changes_nothing(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, roadmap_of("put a.txt alpha", "put b.txt beta"))
    run_gitorch(repo, "start", "--wait", check=True)
    refs = git(repo, "for-each-ref")
    result = land_json(repo, "--dry-run")
    assert result["would_land"] == {"A/1": {"commits": 1, "files": ["a.txt"]},
                                    "A/2": {"commits": 1, "files": ["b.txt"]}}
    assert git(repo, "for-each-ref") == refs


def test_dirty_main_worktree_touching_landed_files_stops_everything(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, roadmap_of("put a.txt alpha", "put b.txt beta"))
    run_gitorch(repo, "start", "--wait", check=True)
    (repo / "a.txt").write_text("mine\n")
    (repo / "notes.txt").write_text("untouched\n")
    refs = git(repo, "for-each-ref")
    done = run_gitorch(repo, "land")
    assert done.returncode == 1
    assert done.stderr.startswith("Error: landing would overwrite uncommitted changes in ")
    assert "a.txt" in done.stderr
    assert git(repo, "for-each-ref") == refs
    (repo / "a.txt").unlink()
    land_json(repo)
    assert (repo / "notes.txt").read_text() == "untouched\n"
    assert (repo / "a.txt").read_text() == "alpha\n"


def test_named_track_only_and_not_done(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, roadmap_of("put a.txt alpha", "put b.txt beta"))
    run_gitorch(repo, "start", "--wait", "-t", "A/2", check=True)
    result = land_json(repo, "A/1", code=1)
    assert result["skipped"] == {"A/1": "not done (pending)"}
    assert land_json(repo, "A/2")["landed"] == ["A/2"]


def test_push_rejected_by_the_remote_loses_nothing(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, roadmap_of("put a.txt alpha"))
    run_gitorch(repo, "start", "--wait", check=True)
    hook = tmp_path / "remote.git" / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'protected branch' >&2\nexit 1\n")
    hook.chmod(0o755)
    before = git(repo, "rev-parse", "main").strip()
    done = run_gitorch(repo, "land")
    assert done.returncode == 1
    assert done.stderr.startswith("Error: push to origin was rejected: ")
    assert done.stderr.count("\n") == 1
    assert git(repo, "rev-parse", "main").strip() == before
    assert git(repo, "rev-parse", "--verify", "gitorch/A/1/track-number-1")
    hook.unlink()
    assert land_json(repo)["landed"] == ["A/1"]


def _land_while_the_remote_moves(repo: Path, tmp_path: Path,
                                 move: Callable[[Path], None]) -> dict[str, object]:
    """`land --json`, paused at its push while move(another clone) pushes; its result."""
    from helpers import gitorch_exe

    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(tmp_path / "remote.git"), str(other))
    marker = tmp_path / "paused"
    env = {"GITORCH_FAILPOINT": "push", "GITORCH_FAILPOINT_FILE": str(marker)}
    landing = subprocess.Popen([gitorch_exe(), "land", "--json"], cwd=repo, env={
        **__import__("os").environ, **env}, stdout=subprocess.PIPE, text=True)
    _wait_for(marker)
    move(other)
    git(other, "push", "-q", "origin", "main")
    marker.unlink()
    # The retry pauses at the push again: let it through.
    _wait_for(marker)
    marker.unlink()
    out, _ = landing.communicate(timeout=60)
    assert landing.returncode == 0, out
    result = json.loads(out)
    assert isinstance(result, dict)
    return result


def test_remote_moved_before_push_is_replayed_again(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, roadmap_of("put a.txt alpha"))
    run_gitorch(repo, "start", "--wait", check=True)

    def someone_else(other: Path) -> None:
        (other / "elsewhere.txt").write_text("x\n")
        git(other, "add", "elsewhere.txt")
        git(other, "commit", "-q", "-m", "Someone else")

    result = _land_while_the_remote_moves(repo, tmp_path, someone_else)
    assert result["attempts"] == 2 and result["landed"] == ["A/1"]
    subjects = git(repo, "log", "--format=%s", "-3", "main").splitlines()
    assert subjects == ["Mark A/1 done in ROADMAP.md", "A/1: scripted work", "Someone else"]
    assert git(tmp_path / "remote.git", "rev-parse", "main") == git(repo, "rev-parse", "main")


def test_a_track_left_out_is_tried_again_when_the_remote_moved(tmp_path: Path) -> None:
    # The gate fails with A/2 only while main holds `broken`; another clone removes it
    # while the landing waits at its push, so the retry meets a main where A/2 passes.
    gate = "land:\n  test_command: [sh, -c, '! { test -f broken && test -f x.txt; }']\n"
    repo = scripted_repo(tmp_path, roadmap_of("put a.txt alpha", "put x.txt ex"),
                         extra_config=gate, files={"broken": "yes\n"})
    run_gitorch(repo, "start", "--wait", check=True)

    def mend(other: Path) -> None:
        git(other, "rm", "-q", "broken")
        git(other, "commit", "-q", "-m", "Mend what broke the gate")

    result = _land_while_the_remote_moves(repo, tmp_path, mend)
    assert result["attempts"] == 2
    assert result["landed"] == ["A/1", "A/2"] and result["gate_failed"] == []
    assert (repo / "x.txt").exists() and not (repo / "broken").exists()


def test_second_land_names_the_first(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, roadmap_of("put a.txt alpha"), remote=False)
    run_gitorch(repo, "start", "--wait", check=True)
    marker = tmp_path / "paused"
    from helpers import gitorch_exe

    first = subprocess.Popen([gitorch_exe(), "land"], cwd=repo, env={
        **__import__("os").environ, "GITORCH_FAILPOINT": "replay",
        "GITORCH_FAILPOINT_FILE": str(marker)}, stdout=subprocess.PIPE, text=True)
    _wait_for(marker)
    second = run_gitorch(repo, "land")
    assert second.returncode == 1
    assert second.stderr == f"Error: another gitorch land is running (PID {first.pid}); " \
        "wait for it\n"
    marker.unlink()
    first.communicate(timeout=60)
    assert first.returncode == 0


def test_test_command_missing_or_hanging(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, roadmap_of("put a.txt alpha"), remote=False,
                         extra_config="land:\n  test_command: [no-such-test-runner]\n")
    run_gitorch(repo, "start", "--wait", check=True)
    done = run_gitorch(repo, "land")
    assert done.returncode == 1
    assert done.stderr == "Error: land.test_command: no-such-test-runner: not found\n"
    config = (repo / "gitorch.yaml").read_text().replace(
        "[no-such-test-runner]", "[sh, -c, 'if [ -f a.txt ]; then sleep 30 & sleep 30; fi']\n"
        "  test_timeout: 1s")
    (repo / "gitorch.yaml").write_text(config)
    result = land_json(repo, code=1)
    assert result["gate_failed"] == ["A/1"]
    log = (repo / ".git" / "gitorch" / "logs" / "group_A_track_1.log").read_text()
    assert "timed out after 1s" in log


def _wait_for(path: Path, timeout: float = 60) -> None:
    import time

    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.02)


def test_start_wait_land_runs_then_lands(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, roadmap_of("put a.txt alpha", "put b.txt beta"))
    done = run_gitorch(repo, "start", "--land", check=True)
    assert "✓ [A/2] completed successfully" in done.stdout
    assert "✓ A/1 landed" in done.stdout and "✓ A/2 landed" in done.stdout
    assert git(tmp_path / "remote.git", "rev-parse", "main") == git(repo, "rev-parse", "main")
    assert (repo / "b.txt").read_text() == "beta\n"


def test_the_gate_says_it_would_run_names_its_worktree_and_keeps_its_output(
        tmp_path: Path) -> None:
    gate = "land:\n  test_command: [sh, -c, 'echo checked $(ls *.txt)']\n"
    repo = scripted_repo(tmp_path, roadmap_of("put a.txt alpha"), extra_config=gate)
    run_gitorch(repo, "start", "--wait", check=True)
    dry = run_gitorch(repo, "land", "--dry-run", check=True).stdout.splitlines()
    assert dry[1].startswith("would run the test gate: sh -c echo checked $(ls *.txt) (once")
    assert land_json(repo, "--dry-run", "--no-test")["would_test"] is None
    refused = run_gitorch(repo, "logs", "gate")
    assert refused.returncode == 1 and "the test gate has not run here yet" in refused.stderr
    assert land_json(repo)["landed"] == ["A/1"]
    worktrees = git(repo, "worktree", "list", "--porcelain")
    assert "/gitorch-gate\n" in worktrees and "/gate\n" not in worktrees
    shown = run_gitorch(repo, "logs", "GATE", check=True).stdout.splitlines()
    assert shown[0].endswith(": passed") and shown[1] == "checked a.txt"
