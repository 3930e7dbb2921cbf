"""Lock files left by a killed git: named at once, never retried blindly, nothing half-done."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from helpers import agent_repo, git, land_paused_at, run_gitorch


def stale_lock(path: Path) -> Path:
    """A lock file as a killed git leaves it, a minute old."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("")
    old = time.time() - 60
    os.utime(path, (old, old))
    return path


def refs(repo: Path, prefix: str) -> list[str]:
    return git(repo, "for-each-ref", "--format=%(refname)", prefix).split()


def test_land_stops_at_once_on_stale_locks_and_lands_once_they_are_removed(
        tmp_path: Path) -> None:
    repo = agent_repo(tmp_path / "repo")
    run_gitorch(repo, "start", "-t", "A/1", "-t", "A/2", "--wait", check=True)
    main = git(repo, "rev-parse", "main")
    packed = stale_lock(repo / ".git" / "packed-refs.lock")
    claim = stale_lock(repo / ".git" / "refs" / "gitorch" / "claims" / "A" / "2.lock")
    started = time.monotonic()
    done = run_gitorch(repo, "land", timeout=300)
    took = time.monotonic() - started
    assert done.returncode == 1 and took < 5, (took, done.stderr)
    assert len(done.stderr.splitlines()) == 1
    assert f"`rm {packed} {claim}`" in done.stderr and "(nothing landed)" in done.stderr
    assert git(repo, "rev-parse", "main") == main
    assert len(refs(repo, "refs/gitorch/claims/")) == 2
    # status and doctor name each lock, with the command that clears it.
    document = json.loads(run_gitorch(repo, "status", "--json", check=True).stdout)
    assert [p.split(" (")[0] for p in document["problems"]] == [
        f"stale git lock {packed}", f"stale git lock {claim}"]
    assert {t["state"] for t in document["tracks"][:2]} == {"done"}
    text = run_gitorch(repo, "status", check=True).stdout
    assert f"`rm {packed}`" in text
    doctor = run_gitorch(repo, "doctor")
    assert doctor.returncode == 1 and f"rm {claim}" in doctor.stdout
    packed.unlink()
    claim.unlink()
    run_gitorch(repo, "land", check=True)
    assert refs(repo, "refs/gitorch/claims/") == []
    assert refs(repo, "refs/heads/gitorch/") == []
    assert json.loads(run_gitorch(repo, "status", "--json", check=True).stdout)["problems"] == []


def test_a_stale_lock_after_publishing_stops_land_and_the_next_land_finishes(
        tmp_path: Path) -> None:
    repo = agent_repo(tmp_path / "repo")
    run_gitorch(repo, "start", "-t", "A/1", "--wait", check=True)
    marker = tmp_path / "paused"
    landing = land_paused_at(repo, "cleanup", marker)
    packed = stale_lock(repo / ".git" / "packed-refs.lock")  # a git killed just now
    started = time.monotonic()
    marker.unlink()
    _, err = landing.communicate(timeout=300)
    took = time.monotonic() - started
    assert landing.returncode == 1 and took < 5, (took, err)
    assert f"`rm {packed}`" in err and "changed meanwhile" not in err
    assert git(repo, "log", "-1", "--format=%s", "main").startswith("Mark")
    packed.unlink()
    finished = run_gitorch(repo, "land", check=True)
    assert "finished an interrupted landing of A/1" in finished.stdout
    assert refs(repo, "refs/gitorch/claims/") == []
    assert refs(repo, "refs/heads/gitorch/") == []


def test_release_names_a_stale_lock_instead_of_a_new_claim(tmp_path: Path) -> None:
    repo = agent_repo(tmp_path / "repo")
    run_gitorch(repo, "start", "-t", "A/1", "--wait", check=True)
    lock = stale_lock(repo / ".git" / "refs" / "gitorch" / "claims" / "A" / "1.lock")
    done = run_gitorch(repo, "release", "A/1")
    assert done.returncode == 1
    assert "claimed again" not in done.stderr and f"`rm {lock}`" in done.stderr
    lock.unlink()
    assert run_gitorch(repo, "release", "A/1", check=True).stdout.startswith("Released A/1")


ONE_TRACK = "# Roadmap\n\n## Group A: One\n\n### Track 1: Alpha\nFirst.\n"


def test_run_meeting_a_stale_lock_says_so_and_loses_nothing(tmp_path: Path) -> None:
    repo = agent_repo(tmp_path / "repo", ONE_TRACK)
    packed = stale_lock(repo / ".git" / "packed-refs.lock")
    started = time.monotonic()
    done = run_gitorch(repo, "run", "--every", "0.3s", timeout=600)
    took = time.monotonic() - started
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert f"`rm {packed}`" in done.stdout + done.stderr
    assert took < 30, took
    # The track is done, its work on its branch: once the lock is gone, it lands.
    packed.unlink()
    run_gitorch(repo, "land", check=True)
    assert "Work on A/1" in git(repo, "log", "--format=%s", "main").splitlines()
    assert refs(repo, "refs/heads/gitorch/") == []
