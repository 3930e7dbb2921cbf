"""A loopback stand-in for the Anthropic Messages API, for the opt-in real-CLI tests."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

USAGE = {"input_tokens": 1234, "output_tokens": 56, "cache_read_input_tokens": 200,
         "cache_creation_input_tokens": 100}


def _message(text: str) -> dict[str, object]:
    return {"id": "msg_mock", "type": "message", "role": "assistant", "model": "claude-mock",
            "content": [{"type": "text", "text": text}], "stop_reason": "end_turn",
            "stop_sequence": None, "usage": USAGE}


def _stream(text: str) -> Iterator[tuple[str, dict[str, object]]]:
    start = {**_message(""), "content": [], "stop_reason": None,
             "usage": {**USAGE, "output_tokens": 1}}
    yield "message_start", {"type": "message_start", "message": start}
    yield "content_block_start", {"type": "content_block_start", "index": 0,
                                  "content_block": {"type": "text", "text": ""}}
    yield "content_block_delta", {"type": "content_block_delta", "index": 0,
                                  "delta": {"type": "text_delta", "text": text}}
    yield "content_block_stop", {"type": "content_block_stop", "index": 0}
    yield "message_delta", {"type": "message_delta", "usage": {"output_tokens": 56},
                            "delta": {"stop_reason": "end_turn", "stop_sequence": None}}
    yield "message_stop", {"type": "message_stop"}


class _Handler(BaseHTTPRequestHandler):
    status = 200  # set per server: 200, 401 or 429

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        status = type(self).status
        if status != 200:
            kind = {401: "authentication_error", 429: "rate_limit_error"}[status]
            data = json.dumps({"type": "error", "error": {"type": kind,
                                                          "message": f"{kind} (mock)"}})
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("x-should-retry", "false")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data.encode())
            return
        if not body.get("stream"):
            data = json.dumps(_message("Done (mock).")).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for event, data in _stream("Done (mock)."):
            self.wfile.write(f"event: {event}\ndata: {json.dumps(data)}\n\n".encode())
            self.wfile.flush()


@contextmanager
def fake_api(status: int = 200) -> Iterator[str]:
    """Serve on a free loopback port; yields the base URL."""
    handler = type("Handler", (_Handler,), {"status": status})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
