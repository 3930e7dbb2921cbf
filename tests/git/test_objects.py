"""In-memory commits and ref transactions, against what git's own commands make."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import git

from gitorch import git as gitmod
from gitorch.errors import GitorchError
from gitorch.git import objects


def repo_with(path: Path, files: dict[str, str], executable: tuple[str, ...] = ()) -> Path:
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    for name, text in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text)
        if name in executable:
            os.chmod(path / name, 0o755)
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "start")
    return path


def paths_of(repo: Path) -> gitmod.RepoPaths:
    return gitmod.RepoPaths(repo, repo / ".git", repo / ".git", repo)


@pytest.mark.parametrize("name", ["ROADMAP.md", "docs/plan/ROADMAP.md", "new/dir/file.md",
                                  "run.sh"])
def test_commit_file_makes_the_commit_git_makes(tmp_path: Path, name: str) -> None:
    repo = repo_with(tmp_path / "repo", {"ROADMAP.md": "old\n", "docs/plan/ROADMAP.md": "old\n",
                                          "docs/other.md": "x\n", "run.sh": "#!/bin/sh\n"},
                     executable=("run.sh",))
    parent = git(repo, "rev-parse", "HEAD").strip()
    paths = paths_of(repo)
    ours = objects.commit_file(repo, parent, name, b"new\n", "Mark it\n",
                               gitmod.identity(paths, "AUTHOR"),
                               gitmod.identity(paths, "COMMITTER"))
    (repo / name).parent.mkdir(parents=True, exist_ok=True)
    (repo / name).write_text("new\n")
    git(repo, "add", name)
    git(repo, "commit", "-q", "-m", "Mark it")
    assert ours == git(repo, "rev-parse", "HEAD").strip()  # same tree, identity and message
    assert objects.read_file_at(repo, ours, name) == b"new\n"
    assert objects.read_file_at(repo, ours, "docs") is None
    assert objects.read_file_at(repo, ours, "missing/file") is None


def test_identity_falls_back_to_gitorch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = repo_with(tmp_path / "repo", {"a": "a\n"})
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "EMAIL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.gitconfig: no user.name
    git(repo, "config", "user.useConfigOnly", "true")
    assert gitmod.identity(paths_of(repo), "AUTHOR").startswith("gitorch <gitorch@localhost> ")


def test_update_refs_is_all_or_nothing(tmp_path: Path) -> None:
    repo = repo_with(tmp_path / "repo", {"a": "a\n"})
    head = git(repo, "rev-parse", "HEAD").strip()
    for ref in ("refs/gitorch/claims/A/1", "refs/gitorch/claims/A/2"):
        git(repo, "update-ref", ref, head)
    paths = paths_of(repo)
    wrong = git(repo, "commit-tree", "-m", "x", f"{head}^{{tree}}").strip()
    with pytest.raises(gitmod.RefMoved):
        gitmod.update_refs(paths, [("refs/gitorch/claims/A/1", None, head),
                                   ("refs/gitorch/claims/A/2", None, wrong)], "test")
    assert len(gitmod.list_refs(paths, "refs/gitorch/claims/")) == 2
    gitmod.update_refs(paths, [("refs/gitorch/claims/A/1", None, head),
                               ("refs/gitorch/claims/A/2", None, head),
                               ("refs/heads/new", head, None)], "test")
    assert gitmod.list_refs(paths, "refs/gitorch/claims/") == {}
    assert gitmod.read_ref(paths, "refs/heads/new") == head


def test_objects_written_after_the_reader_started_are_read_back(tmp_path: Path) -> None:
    repo = repo_with(tmp_path / "repo", {"a/b.txt": "b\n"})
    head = git(repo, "rev-parse", "HEAD").strip()
    tree = objects.read_commit(repo, head).tree  # the reader runs from here on
    entries = objects.read_tree(repo, tree)
    made = objects.write_tree(repo, {**entries, "c": entries["a"]})
    objects.flush(repo)  # a new pack, after the reader listed the packs
    assert objects.read_tree(repo, made) == {**entries, "c": entries["a"]}
    # So are the (loose) objects that git writes meanwhile.
    (repo / "later.txt").write_text("later\n")
    git(repo, "add", "later.txt")
    git(repo, "commit", "-q", "-m", "later")
    later = git(repo, "rev-parse", "HEAD").strip()
    assert objects.read_commit(repo, later).parents == (head,)
    assert objects.read_file_at(repo, later, "later.txt") == b"later\n"


def test_a_missing_object_is_a_one_line_error(tmp_path: Path) -> None:
    repo = repo_with(tmp_path / "repo", {"a": "a\n"})
    with pytest.raises(GitorchError, match=r"^object 0{40} is not in the repository at "):
        objects.read_commit(repo, "0" * 40)
    assert objects.read_commit(repo, git(repo, "rev-parse", "HEAD").strip()).parents == ()


def test_a_reader_outside_a_repository_says_what_git_said(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    with pytest.raises(GitorchError, match=r"^`git cat-file --batch` ended before answering: "
                                           r"fatal: not a git repository"):
        objects.read_commit(folder, "0" * 40)
