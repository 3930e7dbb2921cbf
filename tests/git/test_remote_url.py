"""remote_url() asks git once, and again whenever the config it reads may have changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import git

from gitorch import git as gitmod
from gitorch.git.network import remote_url


def test_the_url_follows_every_change_to_the_remote(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    paths = gitmod.discover(repo)
    assert remote_url(paths, "origin") is None
    git(repo, "remote", "add", "origin", "/srv/first.git")
    assert remote_url(paths, "origin") == "/srv/first.git"
    git(repo, "remote", "set-url", "origin", "/srv/second.git")
    assert remote_url(paths, "origin") == "/srv/second.git"
    git(repo, "config", "url./srv/mirror/.insteadOf", "/srv/")
    assert remote_url(paths, "origin") == "/srv/mirror/second.git"
    git(repo, "remote", "remove", "origin")
    assert remote_url(paths, "origin") is None


def test_an_unchanged_config_is_not_asked_again(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "remote", "add", "origin", "/srv/first.git")
    paths = gitmod.discover(repo)
    assert remote_url(paths, "origin") == "/srv/first.git"
    # With no git to run, a question asked again would find no remote: the answer is kept.
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    assert remote_url(paths, "origin") == "/srv/first.git"
