"""Sandbox tests: skipped where bwrap cannot run; no user config opens tmp_path to agents."""

from __future__ import annotations

import pytest

from gitorch.config.loader import user_config_path
from gitorch.sandbox.probe import availability


@pytest.fixture(autouse=True)
def sandbox_rules_alone(isolated_env: None) -> None:
    user_config_path().unlink()


@pytest.fixture
def bwrap() -> str:
    """bwrap's path; the test is skipped where it does not work."""
    found = availability()
    if found.bwrap is None:
        pytest.skip(f"no sandbox here: {found.why_not}")
    return found.bwrap
