"""Refs read from their files: the same answers as git's, and git asked when they cannot tell."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from helpers import git, make_repo

from gitorch import git as gitmod
from gitorch.git import reffiles


def _repo(tmp_path: Path) -> tuple[Path, str]:
    repo = make_repo(tmp_path / "repo", "# Roadmap\n")
    return repo, git(repo, "rev-parse", "HEAD").strip()


def test_loose_and_packed_refs_read_as_git_reads_them(tmp_path: Path) -> None:
    repo, first = _repo(tmp_path)
    git(repo, "branch", "packed")
    git(repo, "update-ref", "refs/gitorch/track/A/1/wip", first)
    git(repo, "pack-refs", "--all")
    git(repo, "commit", "-q", "--allow-empty", "-m", "second")
    second = git(repo, "rev-parse", "HEAD").strip()
    common = repo / ".git"
    # main is packed at its first commit and loose at its second: the loose file wins.
    assert (common / "refs/heads/main").is_file()
    assert reffiles.read_refs(common, ["refs/heads/main", "refs/heads/packed",
                                       "refs/gitorch/track/A/1/wip", "refs/heads/gone"]) == {
        "refs/heads/main": second, "refs/heads/packed": first,
        "refs/gitorch/track/A/1/wip": first}
    # packed-refs rewritten (a branch deleted) is read again, not taken from before.
    git(repo, "branch", "-D", "packed")
    assert reffiles.read_refs(common, ["refs/heads/packed"]) == {}


def test_what_the_files_cannot_tell_goes_to_git(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    repo, first = _repo(tmp_path)
    common = repo / ".git"
    git(repo, "symbolic-ref", "refs/heads/alias", "refs/heads/main")
    assert reffiles.read_refs(common, ["refs/heads/alias"]) is None
    assert reffiles.read_refs(common, ["HEAD"]) is None
    assert reffiles.read_refs(common, ["refs/bisect/bad"]) is None
    paths = gitmod.discover(repo)
    assert gitmod.read_ref(paths, "refs/heads/alias") == first
    assert gitmod.read_refs(paths, "refs/heads/alias", "refs/heads/main", "refs/heads/x") == {
        "refs/heads/alias": first, "refs/heads/main": first}
    # Plain refs take no git process at all.
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "git").write_text(f'#!/bin/sh\necho "$@" >> {tmp_path / "asked"}\n'
                              f'exec {shutil.which("git")} "$@"\n')
    (shim / "git").chmod(0o755)
    monkeypatch.setenv("PATH", f"{shim}:{os.environ['PATH']}")
    assert gitmod.read_ref(paths, "refs/heads/main") == first
    assert gitmod.read_refs(paths, "refs/heads/main", "refs/heads/x") == {
        "refs/heads/main": first}
    assert not (tmp_path / "asked").exists()
