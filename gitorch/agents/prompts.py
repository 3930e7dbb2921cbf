"""A phase's prompt: the configured template with the track's fields filled in."""

from __future__ import annotations

import re

from gitorch.config.settings import PhaseConfig

FIELD = re.compile(r"\{(group|group_title|track|track_title|track_body|branch|worktree|phase"
                   r"|paths|main_commits|test_output|pull_request|review)\}")


def render(phase: PhaseConfig, values: dict[str, str]) -> str:
    """Fill {field} placeholders in one pass, so values are never themselves expanded.

    A field this phase has no value for (a repair field in a work phase) is kept as written.
    """
    return FIELD.sub(lambda found: values.get(found.group(1), found.group(0)), phase.prompt)
