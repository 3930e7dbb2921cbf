"""Whether the sandbox works here, and why not: doctor, start's notice, status's mark."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from helpers import run_gitorch
from sandbox_repos import hostile_repo

HONEST = "# Plan\n\n## Group A: Trust\n\n### Track 1: Honest\nact: none\n"
NO_USERNS = ("bwrap: No permissions to creating new namespace, likely because the kernel "
             "does not allow non-privileged user namespaces")


def fake_bwrap(tmp_path: Path) -> dict[str, str]:
    """An environment whose bwrap fails as it does where user namespaces are off."""
    bin_dir = tmp_path / "fake-bin"
    bin_dir.mkdir()
    (bin_dir / "bwrap").write_text(f"#!/bin/sh\necho '{NO_USERNS}' >&2\nexit 1\n")
    (bin_dir / "bwrap").chmod(0o755)
    return {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}


def test_doctor_says_the_sandbox_works_here(tmp_path: Path, bwrap: str) -> None:
    repo = hostile_repo(tmp_path, "auto", HONEST)
    said = run_gitorch(repo, "doctor").stdout
    assert f"✓ sandbox: bubblewrap ({bwrap}): agents and the gate may write" in said


def test_doctor_without_bwrap_says_how_to_install_it(tmp_path: Path) -> None:
    repo = hostile_repo(tmp_path, "auto", HONEST)
    bin_dir = tmp_path / "only-git"
    bin_dir.mkdir()
    git_program = shutil.which("git")
    assert git_program is not None
    (bin_dir / "git").symlink_to(git_program)
    said = run_gitorch(repo, "doctor", env={"PATH": str(bin_dir)}).stdout
    assert ("✗ sandbox: none: bwrap is not installed, so agents and the gate run unconfined\n"
            "    fix: install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap;") in said


def test_doctor_says_when_user_namespaces_are_off(tmp_path: Path) -> None:
    repo = hostile_repo(tmp_path, "auto", HONEST)
    said = run_gitorch(repo, "doctor", env=fake_bwrap(tmp_path)).stdout
    assert "cannot make namespaces, user namespaces are off" in said
    assert "fix: turn them on: sysctl kernel.unprivileged_userns_clone=1" in said


def test_doctor_with_the_sandbox_off(tmp_path: Path) -> None:
    repo = hostile_repo(tmp_path, "off", HONEST)
    assert "✓ sandbox: off (sandbox: off)" in run_gitorch(repo, "doctor").stdout


def test_auto_without_a_working_bwrap_runs_unconfined_and_says_so_once(tmp_path: Path) -> None:
    repo = hostile_repo(tmp_path, "auto", HONEST)
    done = run_gitorch(repo, "start", "--wait", env=fake_bwrap(tmp_path), check=True)
    assert done.stderr.count("no sandbox") == 1
    assert "Warning: no sandbox: /" in done.stderr
    assert "agents run unconfined (see gitorch doctor)" in done.stderr
    status = json.loads(run_gitorch(repo, "status", "--json", check=True).stdout)
    assert [(t["id"], t["state"], t["sandboxed"]) for t in status["tracks"]] == [
        ("A/1", "done", False)]
    row = next(line for line in run_gitorch(repo, "status", check=True).stdout.splitlines()
               if line.startswith("A/1"))
    assert " done! " in row


def test_a_sandboxed_track_has_no_mark(tmp_path: Path, bwrap: str) -> None:
    repo = hostile_repo(tmp_path, "bwrap", HONEST)
    run_gitorch(repo, "start", "--wait", check=True)
    row = next(line for line in run_gitorch(repo, "status", check=True).stdout.splitlines()
               if line.startswith("A/1"))
    assert " done " in row


def test_bwrap_that_does_not_work_fails_the_phase_with_the_fix(tmp_path: Path) -> None:
    repo = hostile_repo(tmp_path, "bwrap", HONEST)
    run_gitorch(repo, "start", "--wait", env=fake_bwrap(tmp_path))
    status = json.loads(run_gitorch(repo, "status", "--json", check=True).stdout)
    reason = status["tracks"][0]["reason"]
    assert reason.startswith("sandbox: bwrap is set but ")
    assert "user namespaces are off" in reason
