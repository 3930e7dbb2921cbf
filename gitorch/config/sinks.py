"""The check of the `notify:` setting: where gitorch tells people and tools of events."""

from __future__ import annotations

from urllib.parse import urlsplit

from gitorch.config.checks import Invalid, argv, duration, flatten, hint
from gitorch.config.settings import NOTIFY_EVENTS, SINK_KINDS, NotifySink


def sink_list(value: object) -> tuple[NotifySink, ...]:
    example = "a list of sinks like [{webhook: https://ntfy.sh/my-topic}]"
    if value is None:
        return ()
    if not isinstance(value, (list, tuple)):
        raise Invalid(f"expected {example}")
    return tuple(_sink(item, f"[{index}]") for index, item in enumerate(value))


def _sink(item: object, at: str) -> NotifySink:
    if isinstance(item, NotifySink):
        return item
    checked = flatten(item, {"command": argv, "webhook": _url, "desktop": _true, "on": _events,
                             "timeout": duration}, at)
    kinds = [kind for kind in SINK_KINDS if f"{at}.{kind}" in checked]
    if len(kinds) != 1:
        raise Invalid("expected exactly one of command, webhook or desktop: true", at)
    kind = kinds[0]
    return NotifySink(kind, command=checked.get(f"{at}.command", ()),
                      url=checked.get(f"{at}.webhook", ""), on=checked.get(f"{at}.on", ()),
                      timeout=checked.get(f"{at}.timeout", 10.0))


def _url(value: object) -> str:
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise Invalid("expected an http:// or https:// URL")
    return str(value)


def _true(value: object) -> bool:
    if value is not True:
        raise Invalid("expected true (leave the sink out to turn it off)")
    return True


def _events(value: object) -> tuple[str, ...]:
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, (list, tuple)) or not names:
        raise Invalid(f"expected a list of events from {', '.join(NOTIFY_EVENTS)}")
    for index, name in enumerate(names):
        if name not in NOTIFY_EVENTS:
            raise Invalid(f"unknown event {name!r}: {hint(str(name), NOTIFY_EVENTS)}", f"[{index}]")
    return tuple(names)

