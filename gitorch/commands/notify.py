"""`gitorch notify --test`: one test event to every sink, and what each answered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gitorch.errors import GitorchError
from gitorch.notify.events import event_document
from gitorch.notify.sinks import DeliveryFailed, deliver
from gitorch.project import open_project


def test_sinks(cwd: Path) -> list[dict[str, Any]]:
    """Deliver a test event to each configured sink, now, without retries."""
    project = open_project(cwd)
    if not project.config.notify:
        raise GitorchError("no notify: sinks are configured; add some to gitorch.yaml (see "
                           "config.example.yaml)")
    event = event_document(project, "test", "a test event from gitorch notify --test", {})
    answers = []
    for sink in project.config.notify:
        try:
            answers.append({"sink": sink.name, "ok": True, "answer": deliver(sink, event)})
        except DeliveryFailed as failed:
            answers.append({"sink": sink.name, "ok": False, "answer": str(failed)})
    return answers


def render(answers: list[dict[str, Any]]) -> list[str]:
    return [f"{'✓' if answer['ok'] else '✗'} {answer['sink']}: {answer['answer']}"
            for answer in answers]
