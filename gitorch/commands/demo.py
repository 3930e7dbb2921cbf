"""`gitorch demo`: the whole cycle on a throwaway repository with a simulated agent."""

from __future__ import annotations

from collections.abc import Callable

from gitorch.demo import sandbox
from gitorch.demo.sandbox import DemoResult


def demo(clean: bool, out: Callable[[str], None]) -> DemoResult:
    """Make the demo repository and run the scheduler through its roadmap."""
    return sandbox.demo(clean, out)
