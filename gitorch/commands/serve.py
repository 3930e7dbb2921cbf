"""`gitorch serve`: the live page of a run, on 127.0.0.1, until Ctrl-C."""

from __future__ import annotations

import signal
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from gitorch.commands.status import FETCH_EVERY
from gitorch.errors import GitorchError
from gitorch.project import open_project
from gitorch.state import write_atomic
from gitorch.status.fetching import BackgroundFetch
from gitorch.upstream import remote_name
from gitorch.web.server import HOST, Server, new_token


def serve(cwd: Path, port: int, said: Callable[[str], None]) -> None:
    """Serve the page for the repository around cwd; said gets its address first."""
    project = open_project(cwd)
    token = new_token()
    try:
        server = Server(project.paths.main_worktree, token, port)
    except OSError as error:
        raise GitorchError(f"cannot listen on {HOST}:{port} ({error.strerror or error}); "
                           "gitorch serve --port N picks another port") from None
    path = project.state.serve_token
    remote = remote_name(project)
    if remote is not None:
        server.fetcher = BackgroundFetch(project, remote, project.config.claims.remote,
                                         FETCH_EVERY)
    previous = signal.signal(signal.SIGTERM, _end)
    write_atomic(path, token.encode() + b"\n", mode=0o600)
    try:
        said(f"Serving http://{HOST}:{server.port}/?token={token}\n"
             f"(the token is also in {path}; Ctrl-C stops)")
        server.serve_forever()
    except KeyboardInterrupt:
        pass  # Ctrl-C (or SIGTERM) is how serving ends
    finally:
        server.server_close()
        path.unlink(missing_ok=True)  # the token opens nothing once the server is gone
        signal.signal(signal.SIGTERM, previous)


def _end(signum: int, frame: FrameType | None) -> None:
    """SIGTERM ends serving as Ctrl-C does, so the token file goes too."""
    raise KeyboardInterrupt
