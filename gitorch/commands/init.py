"""`gitorch init`: write gitorch.yaml if absent, make the state folder, install the hook."""

from __future__ import annotations

from pathlib import Path

from gitorch.setup import install


def init(cwd: Path) -> list[str]:
    """Set gitorch up in the repository around cwd; return what changed (empty: nothing)."""
    return install.init(cwd)


def uninstall(cwd: Path) -> list[str]:
    """Remove gitorch's post-commit hook and restore the one it replaced, if any."""
    return install.uninstall(cwd)
