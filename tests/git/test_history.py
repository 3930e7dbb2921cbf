"""subjects_since() must say what log_subjects() says, track by track."""

from __future__ import annotations

from pathlib import Path

from helpers import git

from gitorch import git as gitmod
from gitorch.git.history import changed_files_of, subjects_since


def commit(repo: Path, name: str) -> str:
    (repo / name).write_text(name + "\n")
    git(repo, "add", name)
    git(repo, "commit", "-q", "-m", f"add {name}")
    return git(repo, "rev-parse", "HEAD").strip()


def test_one_log_for_many_tracks_matches_each_log(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    base = commit(repo, "base")
    git(repo, "checkout", "-q", "-b", "linear")
    commit(repo, "l1")
    linear = commit(repo, "l2")
    git(repo, "checkout", "-q", "-b", "merged", base)
    commit(repo, "m1")
    git(repo, "merge", "-q", "--no-ff", "-m", "merge linear", "linear")
    merged = git(repo, "rev-parse", "HEAD").strip()
    # main took linear's commits as they are; a track based after that still counts them
    # from its own, older base.
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--ff-only", "linear")
    later = commit(repo, "later")
    git(repo, "checkout", "-q", "-b", "newer")
    newer = commit(repo, "n1")
    paths = gitmod.RepoPaths(repo, repo / ".git", repo / ".git", repo)
    ranges = {"linear": (base, linear), "merged": (base, merged), "newer": (later, newer),
              "empty": (base, base)}
    found = subjects_since(paths, ranges)
    for key, (old, tip) in ranges.items():
        assert found[key] == gitmod.log_subjects(paths, old, tip), key
    assert [line.split(" ", 1)[1] for line in found["linear"]] == ["add l2", "add l1"]
    assert len(found["merged"]) == 4  # the merge, m1 and linear's two
    assert found["empty"] == []
    assert subjects_since(paths, {}) == {}


def test_one_diff_tree_for_many_ranges_matches_each_diff(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    base = commit(repo, "base")
    (repo / "odd name\twith tab").write_text("x\n")
    (repo / "sub").mkdir()
    (repo / "sub" / "deep.txt").write_text("y\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "awkward names")
    awkward = git(repo, "rev-parse", "HEAD").strip()
    later = commit(repo, "later")
    paths = gitmod.discover(repo)
    # An empty range, one with awkward names, one whose tip comes again, and a long one.
    ranges = [(base, base), (base, awkward), (awkward, later), (awkward, awkward),
              (base, later)]
    assert changed_files_of(paths, ranges) == [gitmod.changed_files(paths, b, t)
                                               for b, t in ranges]
    assert changed_files_of(paths, ranges)[1] == ["odd name\twith tab", "sub/deep.txt"]
    assert changed_files_of(paths, []) == []
