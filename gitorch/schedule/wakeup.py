"""Waking the run loop the moment a child of it ends, instead of at its next poll.

Runners are children of `gitorch run` (forked or started by it), so a runner that ends
sends it SIGCHLD. The loop's pause between looks waits on the signal's wakeup pipe: a
slot a runner frees is seen at once, not up to a poll later. Other children (git) wake
it too, for one look that finds nothing new. Off the main thread, where Python cannot
take signals, the pause is a plain sleep.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import threading
import time
from types import FrameType, TracebackType


class ChildWake:
    """A pause that a child's end cuts short; put back how signals were on close."""

    def __init__(self) -> None:
        self._pipe: tuple[int, int] | None = None
        if threading.current_thread() is not threading.main_thread():
            return
        read, write = os.pipe()
        os.set_blocking(read, False)
        os.set_blocking(write, False)
        self._pipe = (read, write)
        self._before_fd = signal.set_wakeup_fd(write, warn_on_full_buffer=False)
        self._before = signal.signal(signal.SIGCHLD, _noticed)

    def pause(self, seconds: float) -> None:
        """Wait up to seconds, less if a child ends meanwhile."""
        if self._pipe is None:
            time.sleep(seconds)
            return
        # What the loop's own git processes sent while it looked is old news.
        self._drain()
        select.select([self._pipe[0]], [], [], seconds)
        self._drain()

    def _drain(self) -> None:
        assert self._pipe is not None
        with contextlib.suppress(BlockingIOError):
            while os.read(self._pipe[0], 512):
                pass

    def __enter__(self) -> ChildWake:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._pipe is None:
            return
        signal.signal(signal.SIGCHLD, self._before)
        signal.set_wakeup_fd(self._before_fd)
        for fd in self._pipe:
            os.close(fd)
        self._pipe = None


def _noticed(signum: int, frame: FrameType | None) -> None:
    """Nothing to do: the signal's byte in the wakeup pipe is what wakes the pause."""
