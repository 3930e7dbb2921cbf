"""One event to one sink: a command, a webhook or the desktop; what it answered."""

from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.request
from typing import Any

from gitorch import process
from gitorch.config.settings import NotifySink
from gitorch.errors import GitorchError

ANSWER = 200  # characters of a sink's answer kept


class DeliveryFailed(Exception):
    """A sink that did not take the event: why, in one line."""


def deliver(sink: NotifySink, event: dict[str, Any]) -> str:
    """Give event to sink; what it answered, in one line. Raises DeliveryFailed."""
    body = json.dumps(event, ensure_ascii=False)
    if sink.kind == "webhook":
        return _post(sink.url, body.encode("utf-8"), sink.timeout)
    if sink.kind == "command":
        return _run(list(sink.command), body, sink.timeout)
    program = shutil.which("notify-send")
    if program is None:
        raise DeliveryFailed("notify-send is not installed (Debian: apt-get install "
                             "libnotify-bin)")
    return _run([program, "--app-name=gitorch", "gitorch", str(event.get("text", ""))], "",
                sink.timeout)


def _post(url: str, body: bytes, timeout: float) -> str:
    request = urllib.request.Request(url, body, method="POST", headers={
        "Content-Type": "application/json", "User-Agent": "gitorch"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return f"HTTP {answer.status} {_line(answer.read(ANSWER))}".strip()
    except urllib.error.HTTPError as refused:
        raise DeliveryFailed(f"HTTP {refused.code} {_line(refused.read(ANSWER))}".strip()
                             ) from None
    except (OSError, ValueError) as failed:  # timeouts, refused connections, bad URLs
        reason = getattr(failed, "reason", failed)
        raise DeliveryFailed(f"no answer within {timeout:g}s" if "timed out" in str(reason)
                             else str(reason)) from None


def _run(argv: list[str], stdin: str, timeout: float) -> str:
    try:
        done = process.run(argv, input=stdin, timeout=timeout, check=False)
    except GitorchError as failed:  # not found, or too slow
        raise DeliveryFailed(str(failed)) from None
    said = _line(done.stdout) or _line(done.stderr)
    if done.returncode != 0:
        raise DeliveryFailed(f"{argv[0]} exited {done.returncode}" + (f": {said}" if said
                                                                      else ""))
    return "exit 0" + (f": {said}" if said else "")


def _line(data: bytes | str) -> str:
    """The first line of an answer, made printable and short."""
    if isinstance(data, bytes):
        data = data.decode("utf-8", "replace")
    text = data.strip().splitlines()
    first = text[0] if text else ""
    return "".join(c if c.isprintable() else "?" for c in first)[:ANSWER]
