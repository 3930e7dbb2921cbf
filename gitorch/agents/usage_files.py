"""Tokens and cost an agent writes to a file of its own: aider's analytics log, Copilot
CLI's usage file. Read once its phase has ended."""

from __future__ import annotations

import json
from typing import Any

from gitorch.agents.stream import _event, _int
from gitorch.agents.usage import Usage


def file_usage(preset: str | None, path: str) -> Usage:
    """What the preset's CLI wrote to its usage file (nothing for the others)."""
    if preset == "aider":
        return aider_usage(path)
    if preset == "copilot":
        return copilot_usage(path)
    return Usage()


def aider_usage(analytics_log: str) -> Usage:
    """Aider's exact counts, from the message_send events of its local analytics log."""
    spent = Usage()
    try:
        with open(analytics_log, encoding="utf-8", errors="replace") as log:
            lines = list(log)
    except OSError:
        return spent
    for line in lines:
        event = _event(line, "event")
        props = event.get("properties") if event and event["event"] == "message_send" else None
        if isinstance(props, dict):
            cost = props.get("cost")
            spent = spent + Usage(_int(props.get("prompt_tokens")),
                                  _int(props.get("completion_tokens")), 0,
                                  float(cost) if isinstance(cost, (int, float)) else None)
    return spent


def copilot_usage(usage_file: str) -> Usage:
    """Copilot's counts per model (--usage-output-file); its input counts the cached part.

    Its request cost is premium requests and AI credits, not dollars: no cost is read.
    """
    try:
        with open(usage_file, encoding="utf-8", errors="replace") as file:
            document: Any = json.load(file)
    except (OSError, ValueError):
        return Usage()
    models = document.get("modelMetrics") if isinstance(document, dict) else None
    spent = Usage()
    for model in models.values() if isinstance(models, dict) else []:
        usage = model.get("usage") if isinstance(model, dict) else None
        if isinstance(usage, dict):
            spent = spent + Usage(_int(usage.get("inputTokens")), _int(usage.get("outputTokens")),
                                  _int(usage.get("cacheReadTokens")))
    return spent
