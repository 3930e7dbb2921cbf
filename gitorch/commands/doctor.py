"""`gitorch doctor`: one line per check, with the exact fix for each that fails."""

from __future__ import annotations

from pathlib import Path

from gitorch.output import paint
from gitorch.setup.doctor import Check, run_checks


def doctor(cwd: Path) -> list[Check]:
    """Run every check that can run in the repository around cwd."""
    return run_checks(cwd)


def render_checks(checks: list[Check], colour: bool) -> list[str]:
    """A line per check; under a failed one, its fix and any help."""
    lines = []
    for check in checks:
        mark = paint("✓", "ok", colour) if check.ok else paint("✗", "bad", colour)
        lines.append(f"{mark} {check.name}: {check.detail}")
        if not check.ok and check.fix:
            lines.append(f"    fix: {check.fix}")
        lines += [f"    {line}" for line in check.help]
    return lines
