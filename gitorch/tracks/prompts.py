"""A phase's prompt: the configured template with the track's fields filled in."""

from __future__ import annotations

import re

from gitorch.config.settings import PhaseConfig

FIELD = re.compile(r"\{(group|group_title|track|track_title|track_body|branch|worktree|phase)\}")


def render(phase: PhaseConfig, values: dict[str, str]) -> str:
    """Fill {field} placeholders in one pass, so values are never themselves expanded."""
    return FIELD.sub(lambda found: values[found.group(1)], phase.prompt)
