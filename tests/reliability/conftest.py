"""The reliability suite's shared checks report their failures as tests do."""

from __future__ import annotations

import pytest

pytest.register_assert_rewrite("hostile")
