"""Config tests start with no user config file: they write the one they mean."""

from __future__ import annotations

import pytest

from gitorch.config.loader import user_config_path


@pytest.fixture(autouse=True)
def no_user_config(isolated_env: None) -> None:
    user_config_path().unlink()
