"""A loopback stand-in for the model APIs the agent CLIs call, for the opt-in real-CLI tests:
Anthropic's Messages API (claude), OpenAI's Responses API (codex) and chat completions
(aider, opencode, qwen, copilot), and Gemini's generateContent (gemini).

Every answer is "Done (mock)." with fixed usage; status 401 or 429 refuses every request
as the real APIs do. A plan, given the text a conversation opened with, may return an
`Act`: files the model writes there, and a commit of them. A client that offers a shell
tool is asked to run one command that writes and commits them, and the answer comes once
the tool's result is sent back; a client without tools (aider) gets the files as edits in
the format its system prompt asks for (SEARCH/REPLACE blocks, or whole files).
`python tests/tracks/fake_api.py PORT [STATUS] [COMMAND]` serves until interrupted.
"""

from __future__ import annotations

import json
import shlex
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

USAGE = {"input_tokens": 1234, "output_tokens": 56, "cache_read_input_tokens": 200,
         "cache_creation_input_tokens": 100}
OPENAI_USAGE = {"prompt_tokens": 1234, "completion_tokens": 56, "total_tokens": 1290,
                "prompt_tokens_details": {"cached_tokens": 200}}
RESPONSES_USAGE = {"input_tokens": 1234, "input_tokens_details": {"cached_tokens": 200},
                   "output_tokens": 56, "output_tokens_details": {"reasoning_tokens": 0},
                   "total_tokens": 1290}
GEMINI_USAGE = {"promptTokenCount": 1234, "candidatesTokenCount": 56, "totalTokenCount": 1290,
                "cachedContentTokenCount": 200}
ANSWER = "Done (mock)."
_OPENAI_ERRORS = {
    401: {"message": "Incorrect API key provided: sk-mock (mock)",
          "type": "invalid_request_error", "code": "invalid_api_key"},
    429: {"message": "You exceeded your current quota, please check your plan and billing "
                     "details. (mock)", "type": "insufficient_quota",
          "code": "insufficient_quota"},
}
_GEMINI_ERRORS = {401: ("API key not valid. (mock)", "UNAUTHENTICATED"),
                  429: ("You exceeded your current quota. (mock)", "RESOURCE_EXHAUSTED")}
# The shell tools of the CLIs, by the names they give them.
_SHELL_TOOLS = ("bash", "shell", "shell_command", "exec_command", "run_shell_command")
# A tool's result sent back: the model's turn is over.
_RESULT_KINDS = ("tool_result", "function_call_output", "functionResponse")


@dataclass(frozen=True)
class Act:
    """What the model does in the first turn of a conversation."""

    files: dict[str, str]  # written whole
    commit: str | None = None  # the message of a commit of them (clients with a shell)
    extra: str = ""  # more shell to run after, before the commit
    was: dict[str, str] = field(default_factory=dict)  # their text before, as the model saw it

    def command(self) -> str:
        """One shell command that writes the files (and commits them)."""
        steps = [f"printf %s {shlex.quote(text)} > {shlex.quote(name)}"
                 for name, text in self.files.items()]
        if self.extra:
            steps.append(self.extra)
        if self.commit is not None:
            names = " ".join(shlex.quote(name) for name in self.files)
            steps.append(f"git add -- {names} && git commit -q -m {shlex.quote(self.commit)}")
        return " && ".join(steps)

    def edits(self, system: str) -> str:
        """The files as aider edits them: SEARCH/REPLACE blocks where asked, else whole."""
        if "SEARCH/REPLACE" in system:
            return "".join(f"{name}\n```\n<<<<<<< SEARCH\n{self.was.get(name, '')}=======\n"
                           f"{text}>>>>>>> REPLACE\n```\n" for name, text in self.files.items())
        return "".join(f"{name}\n```\n{text}```\n" for name, text in self.files.items())


Plan = Callable[[str], "Act | None"]


@dataclass
class Conversation:
    """One request, read the same way whichever API it came through."""

    opening: str  # the text of the user's messages, joined
    system: str
    answered: bool  # its newest message is a tool's result
    tools: list[dict[str, Any]] = field(default_factory=list)  # name and JSON schema each


@dataclass(frozen=True)
class Served:
    """One model request the server answered: its path, model and conversation."""

    path: str
    model: str
    conversation: Conversation


def _texts(content: object) -> list[str]:
    """Every text in a message's content, however the API nests it."""
    if isinstance(content, str):
        return [content]
    if isinstance(content, list):
        return [text for part in content for text in _texts(part)]
    if isinstance(content, dict):
        found = [content["text"]] if isinstance(content.get("text"), str) else []
        return found + _texts(content.get("content")) + _texts(content.get("parts"))
    return []


def _has_result(content: object) -> bool:
    if isinstance(content, list):
        return any(_has_result(part) for part in content)
    if isinstance(content, dict):
        return (content.get("type") in _RESULT_KINDS or "functionResponse" in content
                or any(_has_result(value) for value in content.values()))
    return False


def read(body: dict[str, Any]) -> Conversation:
    """The conversation in a Messages, chat completions, Responses or Gemini request."""
    messages = [*(body.get("messages") or []), *(body.get("contents") or [])]
    given = body.get("input")
    messages += given if isinstance(given, list) else [
        {"role": "user", "content": given}] if isinstance(given, str) else []
    opening = "\n".join(text for message in messages if isinstance(message, dict)
                        and message.get("role") == "user"
                        for text in _texts(message.get("content", message.get("parts"))))
    system = "\n".join(_texts(body.get("system")) + _texts(body.get("instructions"))
                       + _texts(body.get("systemInstruction"))
                       + [text for message in messages if isinstance(message, dict)
                          and message.get("role") in ("system", "developer")
                          for text in _texts(message.get("content"))])
    tools: list[dict[str, Any]] = []
    for tool in body.get("tools") or []:
        if not isinstance(tool, dict):
            continue
        for declared in [tool.get("function", tool), *tool.get("functionDeclarations", [])]:
            if isinstance(declared, dict) and declared.get("name"):
                tools.append({"name": declared["name"], "schema": declared.get(
                    "input_schema") or declared.get("parameters") or declared.get(
                    "parametersJsonSchema") or {}})
    # Only the newest message says whose turn it is: a session continued with a new prompt
    # holds the results of its earlier turns' tools.
    return Conversation(opening, system, _has_result(messages[-1:]), tools)


def shell_call(conversation: Conversation, command: str) -> tuple[str, dict[str, object]] | None:
    """The client's shell tool and its arguments running command, filled from its schema;
    None when it has no shell tool or already sent a tool's result."""
    if conversation.answered:
        return None
    for tool in conversation.tools:
        if tool["name"].lower() not in _SHELL_TOOLS:
            continue
        properties = tool["schema"].get("properties", {})
        key = "cmd" if "cmd" in properties and "command" not in properties else "command"
        arguments: dict[str, object] = {key: command}
        if properties.get(key, {}).get("type") == "array":
            arguments[key] = ["bash", "-lc", command]
        for name in tool["schema"].get("required", []):
            kind = properties.get(name, {}).get("type")
            arguments.setdefault(name, {"boolean": False, "integer": 60000,
                                        "number": 60000}.get(str(kind), "mock"))
        return tool["name"], arguments
    return None


def sample(schema: dict[str, Any]) -> object:
    """A value that fits a JSON schema: its required fields, each the first that fits."""
    kind = str(schema.get("type", "object")).lower()
    if schema.get("enum"):
        return schema["enum"][0]
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: sample(properties.get(name, {})) for name in schema.get("required", [])}
    return {"string": "mock", "integer": 1, "number": 1, "boolean": False,
            "array": []}.get(kind)


class _Handler(BaseHTTPRequestHandler):
    status = 200  # set per server: 200, 401 or 429
    plan: Plan | None = None  # what the first turn of a conversation does
    verbose = False  # each request on stderr (when run as a script)
    served: list[Served] | None = None  # each model request, in order, where a test asks

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

    def _send_events(self, events: Iterator[tuple[str | None, object]]) -> None:
        """Server-sent events, each named where the API names them."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for name, data in events:
            head = f"event: {name}\n" if name else ""
            self.wfile.write(f"{head}data: {json.dumps(data)}\n\n".encode())
            self.wfile.flush()

    def do_GET(self) -> None:
        if self.path.rstrip("/").endswith("/responses"):
            # codex asks for a WebSocket first and retries five times over seconds unless
            # told no in HTTP/1.1; then it falls back to plain requests.
            self.protocol_version = "HTTP/1.1"
            self.close_connection = True
            self._send_json(426, {"error": {"message": "no WebSocket here (mock)"}},
                            connection="close")
        elif self.path.rstrip("/").endswith("/models"):
            self._send_json(200, {"object": "list", "data": [
                {"id": "gpt-mock", "object": "model", "created": 0, "owned_by": "mock"}]})
        else:
            self._send_json(404, {"error": {"message": f"no {self.path} here (mock)"}})

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        path = self.path.split("?")[0].rstrip("/")
        conversation = read(body)
        if type(self).served is not None and ":countTokens" not in path:
            type(self).served.append(Served(path, str(body.get("model", "")), conversation))
        plan = type(self).plan
        act = plan(conversation.opening) if plan and not conversation.answered else None
        call = shell_call(conversation, act.command()) if act else None
        # A client without tools edits by the answer's text; one with tools but no shell
        # (a side request) just gets the answer.
        text = act.edits(conversation.system) if act and not conversation.tools else ANSWER
        if path.endswith("/chat/completions"):
            self._openai(body, call, text)
        elif path.endswith("/responses"):
            self._responses(call, text)
        elif ":generateContent" in path or ":streamGenerateContent" in path:
            self._gemini(path, body, call, text)
        elif ":countTokens" in path:
            self._send_json(200, {"totalTokens": 1234})
        else:
            self._anthropic(body, call, text)

    def _refused(self) -> bool:
        """Refuse the request as the real APIs do, when this server refuses them all."""
        status = type(self).status
        if status == 200:
            return False
        path = self.path.split("?")[0]
        if ":" in path.rsplit("/", 1)[-1]:
            message, kind = _GEMINI_ERRORS[status]
            self._send_json(status, {"error": {"code": status, "message": message,
                                               "status": kind}})
        elif path.endswith(("/chat/completions", "/responses")):
            # retry-after-ms: 0, so that clients that back off (opencode for a minute or
            # two) give up in seconds.
            self._send_json(status, {"error": _OPENAI_ERRORS[status]}, x_should_retry="false",
                            retry_after_ms="0")
        else:
            kind = {401: "authentication_error", 429: "rate_limit_error"}[status]
            self._send_json(status, {"type": "error", "error": {
                "type": kind, "message": f"{kind} (mock)"}}, x_should_retry="false")
        return True

    def _openai(self, body: dict[str, Any], call: tuple[str, dict[str, object]] | None,
                text: str) -> None:
        if self._refused():
            return
        head = {"id": "chatcmpl-mock", "object": "chat.completion.chunk",
                "created": int(time.time()), "model": str(body.get("model", "gpt-mock"))}
        delta: dict[str, object] = {"role": "assistant", "content": None if call else text}
        if call:
            delta["tool_calls"] = [{"index": 0, "id": "call_mock_1", "type": "function",
                                    "function": {"name": call[0],
                                                 "arguments": json.dumps(call[1])}}]
        end = "tool_calls" if call else "stop"
        if not body.get("stream"):
            self._send_json(200, {**head, "object": "chat.completion", "usage": OPENAI_USAGE,
                                  "choices": [{"index": 0, "message": delta,
                                               "finish_reason": end}]})
            return
        self._send_events(iter([
            (None, {**head, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}),
            (None, {**head, "choices": [{"index": 0, "delta": {}, "finish_reason": end}]}),
            (None, {**head, "choices": [], "usage": OPENAI_USAGE})]))
        self.wfile.write(b"data: [DONE]\n\n")

    def _responses(self, call: tuple[str, dict[str, object]] | None, text: str) -> None:
        if self._refused():
            return
        item: dict[str, object] = (
            {"type": "function_call", "id": "fc_mock_1", "call_id": "call_mock_1",
             "name": call[0], "arguments": json.dumps(call[1]), "status": "completed"}
            if call else
            {"type": "message", "id": "msg_mock", "role": "assistant", "status": "completed",
             "content": [{"type": "output_text", "text": text, "annotations": []}]})
        response = {"id": "resp_mock", "object": "response", "created_at": int(time.time()),
                    "status": "in_progress", "model": "gpt-mock", "output": []}
        self._send_events(iter([
            ("response.created", {"type": "response.created", "response": response}),
            ("response.output_item.done", {"type": "response.output_item.done",
                                           "output_index": 0, "item": item}),
            ("response.completed", {"type": "response.completed", "response": {
                **response, "status": "completed", "output": [item],
                "usage": RESPONSES_USAGE}})]))

    def _gemini(self, path: str, body: dict[str, Any],
                call: tuple[str, dict[str, object]] | None, text: str) -> None:
        if self._refused():
            return
        # gemini's model router asks for JSON; text would be retried for 90 s.
        schema = (body.get("generationConfig") or {}).get("responseJsonSchema")
        if schema and not call:
            text = json.dumps(sample(schema))
        part = {"functionCall": {"name": call[0], "args": call[1]}} if call else {"text": text}
        answer = {"candidates": [{"content": {"role": "model", "parts": [part]},
                                  "finishReason": "STOP", "index": 0}],
                  "usageMetadata": GEMINI_USAGE, "modelVersion": "gemini-mock"}
        if ":streamGenerateContent" in path:
            self._send_events(iter([(None, answer)]))
        else:
            self._send_json(200, answer)

    def _anthropic(self, body: dict[str, Any], call: tuple[str, dict[str, object]] | None,
                   text: str) -> None:
        if self._refused():
            return
        # Ids of its own for each message, as the real API gives: a session claude continues
        # is read back from its file with the blocks of one message id joined into one turn.
        made = uuid.uuid4().hex[:12]
        block: dict[str, object] = (
            {"type": "tool_use", "id": f"toolu_mock_{made}", "name": call[0], "input": call[1]}
            if call else {"type": "text", "text": text})
        stop = "tool_use" if call else "end_turn"
        message = {"id": f"msg_mock_{made}", "type": "message", "role": "assistant",
                   "model": "claude-mock", "content": [block], "stop_reason": stop,
                   "stop_sequence": None, "usage": USAGE}
        if not body.get("stream"):
            self._send_json(200, message)
            return
        opened = ({**block, "input": {}} if call else {"type": "text", "text": ""})
        delta = ({"type": "input_json_delta", "partial_json": json.dumps(call[1])} if call
                 else {"type": "text_delta", "text": text})
        self._send_events(iter([
            ("message_start", {"type": "message_start", "message": {
                **message, "content": [], "stop_reason": None,
                "usage": {**USAGE, "output_tokens": 1}}}),
            ("content_block_start", {"type": "content_block_start", "index": 0,
                                     "content_block": opened}),
            ("content_block_delta", {"type": "content_block_delta", "index": 0,
                                     "delta": delta}),
            ("content_block_stop", {"type": "content_block_stop", "index": 0}),
            ("message_delta", {"type": "message_delta", "usage": {"output_tokens": 56},
                               "delta": {"stop_reason": stop, "stop_sequence": None}}),
            ("message_stop", {"type": "message_stop"})]))


@contextmanager
def fake_api(status: int = 200, tool: str | None = None, port: int = 0,
             verbose: bool = False, plan: Plan | None = None,
             served: list[Served] | None = None) -> Iterator[str]:
    """Serve on a loopback port (a free one by default); yields the base URL.

    tool: a shell command every conversation's first turn runs (a plan of one step).
    served: a list the server appends each model request it answers to.
    """
    if tool is not None and plan is None:
        plan = lambda _opening: Act({}, extra=tool)  # noqa: E731
    handler = type("Handler", (_Handler,), {"status": status, "plan": staticmethod(plan)
                                            if plan else None, "verbose": verbose,
                                            "served": served})
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
