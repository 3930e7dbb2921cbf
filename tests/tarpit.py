"""A remote that never answers: a server on 127.0.0.1 that accepts and never writes."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

LIFETIME = 300.0  # seconds: a tarpit a test forgot stops by itself


@contextmanager
def tarpit() -> Iterator[str]:
    """A `git://` URL whose server accepts connections, reads nothing, and says nothing."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except (TimeoutError, OSError):
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    timer = threading.Timer(LIFETIME, stop.set)
    timer.daemon = True
    timer.start()
    try:
        yield f"git://127.0.0.1:{server.getsockname()[1]}/x.git"
    finally:
        stop.set()
        timer.cancel()
        thread.join()
        for connection in held:
            connection.close()
        server.close()
