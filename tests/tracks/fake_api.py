"""A loopback stand-in for the Anthropic Messages API and the OpenAI chat completions and
Responses APIs, for the opt-in real-CLI tests.

Every answer is "Done (mock)." with fixed usage; status 401 or 429 refuses every request
as the real APIs do. With tool="<command>", the first OpenAI turn asks the client's shell
tool to run that command, and the answer comes once the tool's result is sent back.
`python tests/tracks/fake_api.py PORT [STATUS] [COMMAND]` serves until interrupted.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

USAGE = {"input_tokens": 1234, "output_tokens": 56, "cache_read_input_tokens": 200,
         "cache_creation_input_tokens": 100}
OPENAI_USAGE = {"prompt_tokens": 1234, "completion_tokens": 56, "total_tokens": 1290,
                "prompt_tokens_details": {"cached_tokens": 200}}
ANSWER = "Done (mock)."
_OPENAI_ERRORS = {
    401: {"message": "Incorrect API key provided: sk-mock (mock)",
          "type": "invalid_request_error", "code": "invalid_api_key"},
    429: {"message": "You exceeded your current quota, please check your plan and billing "
                     "details. (mock)", "type": "insufficient_quota",
          "code": "insufficient_quota"},
}
_SHELL_TOOLS = ("bash", "shell", "run_shell_command")


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


def _shell_call(body: dict[str, Any], command: str) -> dict[str, object] | None:
    """A call of the client's shell tool running command, its arguments filled from the
    tool's schema; None when it has no shell tool or already sent a tool's result."""
    if any(m.get("role") == "tool" for m in body.get("messages", []) if isinstance(m, dict)):
        return None
    for tool in body.get("tools") or []:
        function = tool.get("function", {}) if isinstance(tool, dict) else {}
        if function.get("name") in _SHELL_TOOLS:
            schema = function.get("parameters", {})
            arguments: dict[str, object] = {"command": command}
            for name in schema.get("required", []):
                kind = schema.get("properties", {}).get(name, {}).get("type")
                arguments.setdefault(name, {"boolean": False, "integer": 60000,
                                            "number": 60000}.get(str(kind), "mock"))
            return {"id": "call_mock_1", "type": "function", "function": {
                "name": function["name"], "arguments": json.dumps(arguments)}}
    return None


def _completion(body: dict[str, Any], tool: str | None) -> Iterator[dict[str, object]]:
    """The chat completion chunks of one answer (streamed; merged when not)."""
    call = _shell_call(body, tool) if tool else None
    head = {"id": "chatcmpl-mock", "object": "chat.completion.chunk",
            "created": int(time.time()), "model": str(body.get("model", "gpt-mock"))}
    delta: dict[str, object] = {"role": "assistant", "content": None if call else ANSWER}
    if call:
        delta["tool_calls"] = [{"index": 0, **call}]
    yield {**head, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}
    yield {**head, "choices": [{"index": 0, "delta": {},
                                "finish_reason": "tool_calls" if call else "stop"}]}
    yield {**head, "choices": [], "usage": OPENAI_USAGE}


class _Handler(BaseHTTPRequestHandler):
    status = 200  # set per server: 200, 401 or 429
    tool: str | None = None  # a command the first OpenAI turn runs with the shell tool
    verbose = False  # each request on stderr (when run as a script)

    def log_message(self, format: str, *args: object) -> None:
        if type(self).verbose:
            super().log_message(format, *args)

    def _send_json(self, status: int, document: object, **headers: str) -> None:
        data = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path.rstrip("/").endswith("/models"):
            self._send_json(200, {"object": "list", "data": [
                {"id": "gpt-mock", "object": "model", "created": 0, "owned_by": "mock"}]})
        else:
            self._send_json(404, {"error": {"message": f"no {self.path} here (mock)"}})

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        if self.path.rstrip("/").endswith("/chat/completions"):
            self._openai(body)
        elif self.path.rstrip("/").endswith("/responses"):
            self._responses()
        else:
            self._anthropic(body)

    def _openai(self, body: dict[str, Any]) -> None:
        status = type(self).status
        if status != 200:
            # retry-after-ms: 0, so that clients that back off (opencode for a minute or
            # two) give up in seconds.
            self._send_json(status, {"error": _OPENAI_ERRORS[status]}, x_should_retry="false",
                            retry_after_ms="0")
            return
        chunks = list(_completion(body, type(self).tool))
        if not body.get("stream"):
            first, last, usage = chunks
            delta = first["choices"][0]["delta"]  # type: ignore[index]
            self._send_json(200, {**first, "object": "chat.completion", "usage": usage["usage"],
                                  "choices": [{"index": 0, "message": delta,
                                               "finish_reason": last["choices"][0][  # type: ignore[index]
                                                   "finish_reason"]}]})
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for chunk in chunks:
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()

    def _responses(self) -> None:
        """OpenAI's Responses API (codex), streamed as it streams: one message, then done."""
        status = type(self).status
        if status != 200:
            self._send_json(status, {"error": _OPENAI_ERRORS[status]}, x_should_retry="false",
                            retry_after_ms="0")
            return
        item = {"type": "message", "role": "assistant", "id": "msg_mock", "status": "completed",
                "content": [{"type": "output_text", "text": ANSWER, "annotations": []}]}
        usage = {"input_tokens": 1234, "input_tokens_details": {"cached_tokens": 200},
                 "output_tokens": 56, "output_tokens_details": {"reasoning_tokens": 0},
                 "total_tokens": 1290}
        response = {"id": "resp_mock", "object": "response", "status": "in_progress",
                    "model": "gpt-mock", "output": []}
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for event in ({"type": "response.created", "response": response},
                      {"type": "response.output_item.added", "output_index": 0, "item": item},
                      {"type": "response.output_text.delta", "output_index": 0,
                       "content_index": 0, "item_id": "msg_mock", "delta": ANSWER},
                      {"type": "response.output_item.done", "output_index": 0, "item": item},
                      {"type": "response.completed", "response": {
                          **response, "status": "completed", "output": [item],
                          "usage": usage}}):
            self.wfile.write(f"event: {event['type']}\ndata: {json.dumps(event)}\n\n".encode())
        self.wfile.flush()

    def _anthropic(self, body: dict[str, Any]) -> None:
        status = type(self).status
        if status != 200:
            kind = {401: "authentication_error", 429: "rate_limit_error"}[status]
            self._send_json(status, {"type": "error", "error": {
                "type": kind, "message": f"{kind} (mock)"}}, x_should_retry="false")
            return
        if not body.get("stream"):
            self._send_json(200, _message(ANSWER))
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for event, data in _stream(ANSWER):
            self.wfile.write(f"event: {event}\ndata: {json.dumps(data)}\n\n".encode())
            self.wfile.flush()


@contextmanager
def fake_api(status: int = 200, tool: str | None = None, port: int = 0,
             verbose: bool = False) -> Iterator[str]:
    """Serve on a loopback port (a free one by default); yields the base URL."""
    handler = type("Handler", (_Handler,), {"status": status, "tool": tool,
                                            "verbose": verbose})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    with fake_api(int(sys.argv[2]) if len(sys.argv) > 2 else 200,
                  sys.argv[3] if len(sys.argv) > 3 else None, int(sys.argv[1]), True) as served:
        print(served, flush=True)
        threading.Event().wait()
