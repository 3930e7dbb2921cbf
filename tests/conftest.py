"""Shared fixtures: an isolated HOME, fixed git identities, real repositories on disk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import GIT_IDENTITY


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point HOME and the XDG dirs at tmp_path and pin git's identity and config."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    for name, value in GIT_IDENTITY.items():
        monkeypatch.setenv(name, value)
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR"):
        monkeypatch.delenv(name, raising=False)
    # A width would cut status lines short (pytest-xdist's workers set 80 x 24).
    for name in ("COLUMNS", "LINES"):
        monkeypatch.delenv(name, raising=False)
    # Test agents leave what they saw in tmp_path for the test to read: the sandbox lets
    # them (tests/sandbox/ puts its own rules in place of these).
    user_config = home / "xdg_config_home" / "gitorch" / "config.yaml"
    user_config.parent.mkdir(parents=True)
    user_config.write_text(f"sandbox:\n  writable: [{tmp_path}]\n")
    (home / ".gitconfig").write_text("[init]\n\tdefaultBranch = main\n[user]\n\tname = Ada Tester\n"
                                     "\temail = ada@example.com\n")
    yield
