"""`gitorch doctor`: one line per check, with the exact fix for each that fails."""

from __future__ import annotations

from pathlib import Path

from gitorch.setup.doctor import Check, run_checks


def doctor(cwd: Path) -> list[Check]:
    """Run every check that can run in the repository around cwd."""
    return run_checks(cwd)
