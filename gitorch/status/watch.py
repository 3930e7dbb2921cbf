"""`status --watch`: the status redrawn in the alternate screen, fitted to the terminal."""

from __future__ import annotations

import json
import os
import shutil
import signal
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from types import FrameType
from typing import Any, TextIO

from gitorch.output import width as text_width
from gitorch.status.text import Screen, render

# The alternate screen keeps frames out of the scrollback; the cursor is hidden meanwhile.
ENTER = "\x1b[?1049h\x1b[?25l"
LEAVE = "\x1b[?25h\x1b[?1049l"
HOME = "\x1b[H"
CLEAR_LINE = "\x1b[K"
CLEAR_BELOW = "\x1b[J"
RESIZE_POLL = 0.1

Collect = Callable[[], dict[str, Any]]  # the status now, never waiting on the remote


def terminal_size(stream: TextIO) -> os.terminal_size:
    """The terminal's size now (asked each time, so a resize shows at the next frame)."""
    try:
        size = os.get_terminal_size(stream.fileno())
    except (OSError, ValueError):
        return shutil.get_terminal_size()
    # A terminal that does not know its size says 0: take COLUMNS/LINES or 80x24.
    return size if size.columns > 0 and size.lines > 0 else shutil.get_terminal_size()


def frame(lines: list[str], width: int, height: int) -> str:
    """One redraw in place: home, each line cleared past its end, then what is below.

    A line as wide as the terminal is not cleared after, nor is the screen below the last
    row: there the cursor waits on the last column, and clearing would erase that column.
    """
    shown = lines[:height]
    body = "\n".join(line + (CLEAR_LINE if text_width(line) < width else "")
                     for line in shown)
    return HOME + body + ("\n" + CLEAR_BELOW if len(shown) < height else "")


def watch(collect: Collect, out: TextIO, interval: float, as_json: bool, colour: bool
          ) -> None:
    """Redraw every interval until Ctrl-C or SIGTERM; a terminal gets the alternate screen."""
    on_terminal = out.isatty() and not as_json
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        if on_terminal:
            out.write(ENTER)
        for text in _frames(collect, out, interval, as_json, colour, on_terminal):
            out.write(text)
            out.flush()
    except KeyboardInterrupt:
        pass  # Ctrl-C is how a watch ends
    finally:
        if on_terminal:
            out.write(LEAVE)
            out.flush()
        signal.signal(signal.SIGTERM, previous)


def _stop(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _frames(collect: Collect, out: TextIO, interval: float, as_json: bool, colour: bool,
            on_terminal: bool) -> Iterator[str]:
    while True:
        document = collect()
        now = datetime.now(timezone.utc)
        if as_json:
            yield json.dumps(document, ensure_ascii=False) + "\n"
        elif on_terminal:
            size = terminal_size(out)
            lines = render(document, Screen(size.columns, size.lines, colour, now))
            yield frame(lines, size.columns, size.lines)
        else:
            yield "\n".join(render(document, Screen(None, None, colour, now))) + "\n\n"
        _pause(interval, out if on_terminal else None)


def _pause(interval: float, terminal: TextIO | None) -> None:
    """Sleep for interval, cut short when the terminal is resized."""
    if terminal is None:
        time.sleep(interval)
        return
    size = terminal_size(terminal)
    deadline = time.monotonic() + interval
    while (left := deadline - time.monotonic()) > 0:
        time.sleep(min(left, RESIZE_POLL))
        if terminal_size(terminal) != size:
            return
