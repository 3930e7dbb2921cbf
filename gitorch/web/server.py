"""The HTTP server: 127.0.0.1 only, every request checked for its token and origin first."""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

from gitorch.errors import GitorchError, write_crash_report
from gitorch.names import TrackId
from gitorch.project import Project, open_project
from gitorch.status.fetching import BackgroundFetch
from gitorch.web import reads
from gitorch.web.actions import ACTIONS, EMPTY_MEANS_ALL, MAX_MESSAGE, WITH_MESSAGE

T = TypeVar("T")
Answer = tuple[int, bytes, str]  # status, body, kind (html or json)
HOST = "127.0.0.1"
MAX_BODY = 64 * 1024
FORBIDDEN = "the token is missing or wrong: open the address gitorch serve printed"
PAGE = resources.files("gitorch.web").joinpath("page.html").read_text(encoding="utf-8")


class Refused(Exception):
    """A request answered with an error status and one line, before anything changes."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class Server(ThreadingHTTPServer):
    """The page's server for one repository, with its token."""

    daemon_threads = True

    def __init__(self, root: Path, token: str, port: int) -> None:
        super().__init__((HOST, port), Handler)
        self.root, self.token = root, token
        self.fetcher: BackgroundFetch | None = None  # asks the remote, once serving
        self.port = int(self.server_address[1])
        # A page from any other site, or a name rebound to 127.0.0.1, is refused.
        self.hosts = {f"{HOST}:{self.port}", f"localhost:{self.port}"}


class Handler(BaseHTTPRequestHandler):
    """One request: checked, then answered from reads or ACTIONS."""

    server: Server
    protocol_version = "HTTP/1.1"
    body = b""

    def do_GET(self) -> None:
        self._answer(self._get)

    def do_POST(self) -> None:
        self._answer(self._post)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the terminal shows the address and errors, not every poll."""

    def _answer(self, work: Callable[[], Answer]) -> None:
        try:
            self._read_body()
            self._check()
            status, body, kind = work()
        except Refused as refused:
            status, body, kind = refused.status, _json({"error": str(refused)}), "json"
        except Exception as error:
            # A bug: said in one line as the CLI says it, the traceback kept in a file.
            report = write_crash_report(error)
            status, kind = 500, "json"
            body = _json({"error": f"unexpected {type(error).__name__}: {error} "
                                   f"(traceback in {report})"})
        self._send(status, body, kind)

    def _read_body(self) -> None:
        """The whole body, read before anything is refused: what a refusal left unread
        would be taken for the next request on the same connection."""
        length = self.headers.get("Content-Length") or "0"
        if not length.isdigit() or int(length) > MAX_BODY:
            self.close_connection = True
            raise Refused(413 if length.isdigit() else 400, "the request's length is wrong "
                          f"or over {MAX_BODY} bytes")
        self.body = self.rfile.read(int(length))

    def _check(self) -> None:
        """Host, Origin and token, before any work."""
        if self.headers.get("Host") not in self.server.hosts:
            raise Refused(403, "only http://127.0.0.1 may ask")
        origin = self.headers.get("Origin")
        if origin is not None and urlsplit(origin).netloc not in self.server.hosts:
            raise Refused(403, f"requests from {origin} are refused")
        given = (self.headers.get("X-Gitorch-Token")
                 or (parse_qs(urlsplit(self.path).query).get("token") or [""])[0])
        if not hmac.compare_digest(given.encode(), self.server.token.encode()):
            raise Refused(403, FORBIDDEN)

    def _get(self) -> Answer:
        url = urlsplit(self.path)
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        root = self.server.root
        if url.path == "/":
            page = PAGE.replace("__ACTIONS__", json.dumps(list(ACTIONS)))
            return 200, page.encode("utf-8"), "html"
        if url.path == "/api/state":
            return 200, _json(_reading(lambda: reads.state(root, self.server.fetcher))), "json"
        if url.path == "/api/report":
            return 200, _json(_reading(lambda: reads.timeline(root))), "json"
        if url.path in ("/api/log", "/api/diff"):
            project = _reading(lambda: open_project(root))
            track = _track(project, query.get("track", ""))
            if url.path == "/api/diff":
                return 200, _json(_reading(lambda: reads.diff(project, track))), "json"
            offset = int(query["offset"]) if query.get("offset", "").lstrip("-").isdigit() else -1
            return 200, _json(reads.log_from(project, track, offset)), "json"
        raise Refused(404, f"no page {url.path}")

    def _post(self) -> Answer:
        name = urlsplit(self.path).path.removeprefix("/api/")
        action = ACTIONS.get(name)
        if action is None:
            raise Refused(404, f"no action {name}")
        body = self._json_body()
        tracks = body.get("tracks", [])
        if not isinstance(tracks, list) or not all(isinstance(t, str) for t in tracks):
            raise Refused(400, "tracks must be a list of track ids")
        if not tracks and name not in EMPTY_MEANS_ALL:
            raise Refused(400, f"choose a track to {name}")
        message = _message(body) if name in WITH_MESSAGE else ""
        project = _reading(lambda: open_project(self.server.root))
        named = [str(_track(project, track)) for track in tracks]
        try:
            lines = action(self.server.root, named, message)
        except GitorchError as error:
            return 409, _json({"error": str(error)}), "json"
        return 200, _json({"lines": lines}), "json"

    def _json_body(self) -> dict[str, Any]:
        """A POST's JSON body: `tracks`, a list of ids, and for some actions `message`."""
        try:
            body = json.loads(self.body or b"{}")
        except ValueError:
            raise Refused(400, "the request is not JSON") from None
        if not isinstance(body, dict):
            raise Refused(400, "tracks must be a list of track ids")
        return body

    def _send(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", {"html": "text/html; charset=utf-8",
                                          "json": "application/json"}[kind])
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Content-Type-Options", "nosniff")
        # Nothing from anywhere else: no scripts, styles, fonts or frames.
        self.send_header("Content-Security-Policy", "default-src 'none'; connect-src 'self'; "
                         "script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
                         "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
        self.end_headers()
        self.wfile.write(body)


def _reading(read: Callable[[], T]) -> T:
    """A read's result; its GitorchError (a broken roadmap, say) as a 409 with its line."""
    try:
        return read()
    except GitorchError as error:
        raise Refused(409, str(error)) from None


def _track(project: Project, text: str) -> TrackId:
    """The roadmap's track of that id, or 404."""
    try:
        return reads.known_track(project, text)
    except reads.UnknownTrack as unknown:
        raise Refused(404, str(unknown)) from None
    except GitorchError as error:
        raise Refused(409, str(error)) from None


def _message(body: dict[str, Any]) -> str:
    """The text a send carries: there, not blank, and not longer than MAX_MESSAGE."""
    message = body.get("message")
    if not isinstance(message, str) or not message.strip():
        raise Refused(400, "the message is empty: type what the agent should do")
    if len(message) > MAX_MESSAGE:
        raise Refused(400, f"the message is {len(message)} characters long; at most "
                           f"{MAX_MESSAGE} are sent")
    return message


def _json(document: Any) -> bytes:
    return json.dumps(document).encode("utf-8")


def new_token() -> str:
    return secrets.token_urlsafe(24)
