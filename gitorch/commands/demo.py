"""`gitorch demo`: the whole cycle on a throwaway repository with a simulated agent."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable

from gitorch.demo import sandbox
from gitorch.demo.sandbox import DemoResult


def demo(clean: bool, out: Callable[[str], None]) -> DemoResult:
    """Make the demo repository and run the scheduler through its roadmap."""
    return sandbox.demo(clean, out)


def render_demo(result: DemoResult, clean: bool) -> list[str]:
    """Where the demo ran, and how to look around there."""
    if clean:
        return ["", "Demo folder removed."]
    # The command as the user can type it: a venv's script is often not on PATH.
    on_path = shutil.which("gitorch") == os.path.abspath(sys.argv[0])
    command = "gitorch" if on_path else os.path.abspath(sys.argv[0])
    return ["", f"Demo folder: {result.folder}",
            f"  look around: cd {result.repo} && {command} status && git log --oneline"]
