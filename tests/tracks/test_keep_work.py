"""Nothing unlanded is deleted: clean, land's cleanup and discard keep commits main lacks."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from helpers import agent_repo, git, land_paused_at, run_gitorch


def ref(repo: Path, name: str) -> str | None:
    done = subprocess.run(["git", "rev-parse", "--verify", "--quiet", name], cwd=repo,
                          capture_output=True, text=True, check=False)
    return done.stdout.strip() or None


def commit_leftovers(worktree: Path, name: str = "leftover.txt") -> str:
    """A person commits what a track left behind, after it landed."""
    (worktree / name).write_text("late work\n")
    git(worktree, "add", name)
    git(worktree, "commit", "-q", "-m", "Commit the leftovers")
    return git(worktree, "rev-parse", "HEAD").strip()


def landed_and_kept(tmp_path: Path) -> tuple[Path, Path]:
    repo = agent_repo(tmp_path / "repo")
    run_gitorch(repo, "init", check=True)
    run_gitorch(repo, "start", "-t", "A/1", "-t", "A/2", "--wait", check=True)
    run_gitorch(repo, "land", "--keep", check=True)
    return repo, tmp_path / "repo.tracks" / "group_A_track_1"


def test_clean_keeps_a_commit_made_after_landing_and_force_leaves_it_in_the_wip_ref(
        tmp_path: Path) -> None:
    repo, worktree = landed_and_kept(tmp_path)
    late = commit_leftovers(worktree)
    done = run_gitorch(repo, "clean", check=True)
    # The untouched landed track goes; the one with a late commit stays, said in one line.
    assert "Deleted branch gitorch/A/2/beta (landed)" in done.stdout
    assert ref(repo, "refs/heads/gitorch/A/2/beta") is None
    assert ref(repo, "refs/heads/gitorch/A/1/alpha") == late
    assert ref(repo, "refs/gitorch/track/A/1/wip") == late
    assert (worktree / "leftover.txt").exists()
    kept = [line for line in done.stdout.splitlines() if "A/1/alpha" in line]
    assert kept == [f"Kept branch gitorch/A/1/alpha and worktree {worktree} of landed A/1: "
                    "1 commit not on main; look with `git log main..refs/heads/gitorch/"
                    "A/1/alpha`, remove on purpose with `gitorch clean --force (its wip ref "
                    "refs/gitorch/track/A/1/wip keeps them)`"]
    # --force tidies the branch and worktree away; the wip ref, the last copy, stays.
    forced = run_gitorch(repo, "clean", "--force", check=True)
    assert ref(repo, "refs/heads/gitorch/A/1/alpha") is None
    assert not worktree.exists()
    assert ref(repo, "refs/gitorch/track/A/1/wip") == late
    assert ("Kept refs/gitorch/track/A/1/wip of landed A/1: 1 commit not on main; look with "
            "`git log main..refs/gitorch/track/A/1/wip`, remove on purpose with "
            "`git update-ref -d refs/gitorch/track/A/1/wip`") in forced.stdout.splitlines()


def test_clean_force_keeps_a_late_commit_no_wip_ref_holds(tmp_path: Path) -> None:
    repo, worktree = landed_and_kept(tmp_path)
    run_gitorch(repo, "init", "--uninstall", check=True)  # no hook: the wip ref lags behind
    late = commit_leftovers(worktree)
    git(repo, "update-ref", "-d", "refs/gitorch/track/A/1/wip")
    run_gitorch(repo, "clean", "--force", check=True)
    # With no wip ref, clean --force makes one at the branch before the branch goes.
    assert ref(repo, "refs/gitorch/track/A/1/wip") == late
    assert ref(repo, "refs/heads/gitorch/A/1/alpha") is None
    # A wip ref that lags: the branch is the only copy of the late commit, so it stays.
    repo2, worktree2 = landed_and_kept(tmp_path / "second")
    run_gitorch(repo2, "init", "--uninstall", check=True)
    late2 = commit_leftovers(worktree2)
    done = run_gitorch(repo2, "clean", "--force", check=True)
    assert ref(repo2, "refs/heads/gitorch/A/1/alpha") == late2
    assert (f"remove on purpose with `git worktree remove {worktree2} && git branch -D "
            "gitorch/A/1/alpha`") in done.stdout


def test_land_cleanup_keeps_a_commit_made_while_it_landed(tmp_path: Path) -> None:
    repo = agent_repo(tmp_path / "repo")
    run_gitorch(repo, "init", check=True)
    run_gitorch(repo, "start", "-t", "A/1", "--wait", check=True)
    worktree = tmp_path / "repo.tracks" / "group_A_track_1"
    marker = tmp_path / "paused"
    landing = land_paused_at(repo, "cleanup", marker)
    late = commit_leftovers(worktree)  # a late background process of the track
    marker.unlink()
    out, err = landing.communicate(timeout=60)
    assert landing.returncode == 0, err
    assert ref(repo, "refs/heads/gitorch/A/1/alpha") == late
    assert ref(repo, "refs/gitorch/track/A/1/wip") == late
    assert git(repo, "log", "--format=%s", "main").splitlines()[1] == "Work on A/1"
    assert "Kept branch gitorch/A/1/alpha and worktree" in out


def test_discard_keeps_a_branch_its_wip_ref_lacks(tmp_path: Path) -> None:
    repo = agent_repo(tmp_path / "repo")
    run_gitorch(repo, "start", "-t", "A/1", "--wait", check=True)  # no hook installed
    worktree = tmp_path / "repo.tracks" / "group_A_track_1"
    late = commit_leftovers(worktree)
    shutil.rmtree(worktree)  # gone by hand: no snapshot can take the late commit
    git(repo, "worktree", "prune")
    done = run_gitorch(repo, "discard", "A/1", check=True)
    assert ref(repo, "refs/heads/gitorch/A/1/alpha") == late
    assert "kept branch gitorch/A/1/alpha: 1 commit not on main nor in refs/gitorch/track/A/1/wip" \
        in done.stdout


def test_clean_drops_a_legacy_wip_ref_main_holds_and_keeps_one_with_unlanded_work(
        tmp_path: Path) -> None:
    repo, worktree = landed_and_kept(tmp_path)
    # Wip refs of before each track had a ref folder: A/2's holds only landed commits,
    # A/1's a commit made after landing that nothing else keeps.
    git(repo, "update-ref", "refs/gitorch/wip/A/2", "refs/heads/gitorch/A/2/beta")
    late = commit_leftovers(worktree)
    git(worktree, "reset", "-q", "--hard", "HEAD~1")
    git(repo, "update-ref", "refs/gitorch/wip/A/1", late)
    done = run_gitorch(repo, "clean", check=True)
    assert ref(repo, "refs/gitorch/wip/A/2") is None
    assert "Deleted refs/gitorch/wip/A/2 (landed)" in done.stdout
    assert ref(repo, "refs/gitorch/wip/A/1") == late
    assert ("Kept refs/gitorch/wip/A/1 of landed A/1: 1 commit not on main; look with "
            "`git log main..refs/gitorch/wip/A/1`, remove on purpose with "
            "`git update-ref -d refs/gitorch/wip/A/1`") in done.stdout.splitlines()
    assert ref(repo, "refs/heads/gitorch/A/1/alpha") is None
