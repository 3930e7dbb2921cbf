"""An agent's output as it comes: JSON events made readable lines, usage and signals read.

Claude (`stream-json`), Codex (`--json`), Gemini (`stream-json`), OpenCode (`--format
json`), Qwen Code (`stream-json`) and Copilot CLI (`--output-format json`) print one JSON
event a line; the track log gets the
words a person wants from them, not the JSON. Any other line is kept as printed. Every
line, and the messages inside events, is also matched against the outcome patterns (usage
limits, logins), in the order they came.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from gitorch.agents.outcomes import Patterns, Signal
from gitorch.agents.usage import Usage

SHORT = 200  # tool inputs and results are cut to this in the log
_GIT = re.compile(r"(^|[\s;&|('\"])git\s")
_GIT_FATAL = re.compile(r"^fatal: ", re.MULTILINE)  # git says it only when it fails

Render = Callable[["StreamReader", dict[str, Any]], Iterator[str]]


class StreamReader:
    """Reads one agent run's output lines; knows its CLI's events by preset name."""

    def __init__(self, preset: str | None, patterns: Patterns) -> None:
        self._render = _RENDERERS.get(preset or "")
        self._patterns = patterns
        self.usage = Usage()
        self.signals: list[Signal] = []
        self.end_now: Signal | None = None  # a line that says waiting will not help
        self.failed_git: str | None = None  # the last failed git command, with its error
        self._tools: dict[str, str] = {}  # tool call id -> the command or tool it ran

    def feed(self, line: str) -> list[str]:
        """The log lines for one line of output."""
        event = _event(line) if self._render is not None else None
        if event is None or self._render is None:
            self._match(line)
            return [line]
        shown = [text for text in self._render(self, event) if text is not None]
        for text in shown:
            self._match(text)
        return shown

    def add_usage(self, usage: Usage) -> None:
        self.usage = self.usage + usage

    def tool_called(self, call_id: object, command: object) -> None:
        if isinstance(call_id, str):
            self._tools[call_id] = _short(command)

    def command_of(self, call_id: object) -> str:
        """The command or tool a call ran, as tool_called was told."""
        return self._tools.get(call_id, "tool") if isinstance(call_id, str) else "tool"

    def tool_failed(self, call_id: object, output: object) -> str:
        """The log line for a tool call that failed; a git command's is remembered."""
        return self.command_failed(self.command_of(call_id), output)

    def command_failed(self, command: str, output: object) -> str:
        text = output if isinstance(output, str) else json.dumps(output, ensure_ascii=False)
        said = _telling_line(text)
        if _GIT.search(command):
            self.failed_git = f"`{command}`: {said}"
        return f"✗ {command}: {said}"

    def _match(self, text: str) -> None:
        for signal in self._patterns.match(text):
            self.signals.append(signal)
            if signal.end_now and self.end_now is None:
                self.end_now = signal


def _event(line: str, key: str = "type") -> dict[str, Any] | None:
    """The JSON object on a line whose `key` field is a string, else None."""
    if not line.startswith("{"):
        return None
    try:
        event = json.loads(line)
    except ValueError:
        return None
    return event if isinstance(event, dict) and isinstance(event.get(key), str) else None


def _telling_line(output: str) -> str:
    """The line of a failed command's output that says why: git's fatal or error, else the
    last one."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    said = next((line for line in lines if line.startswith(("fatal:", "error:"))),
                lines[-1] if lines else "(no output)")
    return _short(said)


def _short(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(text.split())
    return text if len(text) <= SHORT else text[:SHORT] + "…"


def _text(content: object) -> str:
    """A tool result's content: a string, or a list of text parts."""
    if isinstance(content, list):
        return "\n".join(str(part.get("text", "")) for part in content
                         if isinstance(part, dict))
    return content if isinstance(content, str) else ""


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _claude(reader: StreamReader, event: dict[str, Any]) -> Iterator[str]:
    kind, subtype = event["type"], event.get("subtype")
    if kind == "system" and subtype == "init":
        yield f"claude: session started (model {event.get('model')})"
    elif kind == "system" and subtype == "api_retry":
        yield (f"claude: API error {event.get('error_status')} ({event.get('error')}), "
               f"retry {event.get('attempt')} of {event.get('max_retries')}")
    elif kind == "assistant":
        message = event.get("message")
        content = message.get("content") if isinstance(message, dict) else None
        for part in content if isinstance(content, list) else []:
            if not isinstance(part, dict):
                continue
            if part.get("type") == "text":
                yield from str(part.get("text", "")).splitlines()
            elif part.get("type") == "tool_use":
                tool_input = part.get("input")
                command = tool_input.get("command") if isinstance(tool_input, dict) else None
                reader.tool_called(part.get("id"), command or part.get("name"))
                yield f"→ {part.get('name')} {_short(tool_input)}"
        if isinstance(event.get("error"), str):
            yield f"claude: error {event['error']}"
    elif kind == "user":
        message = event.get("message")
        content = message.get("content") if isinstance(message, dict) else None
        for part in content if isinstance(content, list) else []:
            if isinstance(part, dict) and part.get("type") == "tool_result" \
                    and part.get("is_error") is True:
                yield reader.tool_failed(part.get("tool_use_id"), _text(part.get("content")))
    elif kind == "rate_limit_event":
        info = event.get("rate_limit_info")
        if isinstance(info, dict) and not str(info.get("status", "")).startswith("allowed"):
            yield f"claude: usage limit reached|{_int(info.get('resetsAt'))}"
    elif kind == "result":
        _claude_usage(reader, event)
        cost = event.get("total_cost_usd")
        status = event.get("api_error_status")
        yield (f"claude: {'error' if event.get('is_error') else 'finished'}"
               + (f" (API status {status})" if status else "")
               + f": {_short(event.get('result', ''))}"
               + (f" [{event.get('num_turns')} turns, ${cost:.4f}]"
                  if isinstance(cost, (int, float)) else ""))


def _claude_usage(reader: StreamReader, event: dict[str, Any]) -> None:
    # modelUsage covers every call of the run; usage{} only the last one.
    models = event.get("modelUsage")
    cost = event.get("total_cost_usd")
    spent = Usage(cost_usd=float(cost) if isinstance(cost, (int, float)) else None)
    for model in models.values() if isinstance(models, dict) else []:
        if isinstance(model, dict):
            cached = _int(model.get("cacheReadInputTokens"))
            spent = spent + Usage(
                _int(model.get("inputTokens")) + cached
                + _int(model.get("cacheCreationInputTokens")),
                _int(model.get("outputTokens")), cached)
    reader.add_usage(spent)


def _codex(reader: StreamReader, event: dict[str, Any]) -> Iterator[str]:
    kind = event["type"]
    if kind == "item.completed" and isinstance(event.get("item"), dict):
        item = event["item"]
        what = item.get("type")
        if what == "agent_message":
            yield from str(item.get("text", "")).splitlines()
        elif what == "reasoning":
            yield f"thinking: {_short(item.get('text', ''))}"
        elif what == "command_execution":
            code = item.get("exit_code")
            yield f"$ {_short(item.get('command'))} (exit {code})"
            if isinstance(code, int) and code != 0:
                yield reader.command_failed(_short(item.get("command")),
                                            item.get("aggregated_output", ""))
        elif what == "file_change":
            changes = item.get("changes")
            for change in changes if isinstance(changes, list) else []:
                if isinstance(change, dict):
                    yield f"{change.get('kind', 'changed')} {change.get('path')}"
        elif what == "error":
            yield f"codex: {item.get('message')}"
    elif kind == "error":
        yield f"codex: {event.get('message')}"
    elif kind == "turn.failed":
        error = event.get("error")
        yield f"codex: turn failed: {error.get('message') if isinstance(error, dict) else error}"
    elif kind == "turn.completed":
        usage = event.get("usage")
        if isinstance(usage, dict):
            reader.add_usage(Usage(_int(usage.get("input_tokens")),
                                   _int(usage.get("output_tokens")),
                                   _int(usage.get("cached_input_tokens"))))
        yield "codex: turn completed"


def _gemini(reader: StreamReader, event: dict[str, Any]) -> Iterator[str]:
    kind = event["type"]
    if kind == "init":
        yield f"gemini: session started (model {event.get('model')})"
    elif kind == "message" and event.get("role") == "assistant":
        yield from str(event.get("content", "")).splitlines()
    elif kind == "tool_use":
        parameters = event.get("parameters")
        command = parameters.get("command") if isinstance(parameters, dict) else None
        reader.tool_called(event.get("tool_id"), command or event.get("tool_name"))
        yield f"→ {event.get('tool_name')} {_short(parameters)}"
    elif kind == "tool_result":
        output, error = event.get("output"), event.get("error")
        if event.get("status") == "error":
            yield reader.tool_failed(event.get("tool_id"), error.get("message")
                                     if isinstance(error, dict) else output or error)
        # A shell command that failed is a "success" whose output is all that is shown,
        # with no exit code: a git command's fatal line tells.
        elif isinstance(output, str) and _GIT_FATAL.search(output) \
                and _GIT.search(reader.command_of(event.get("tool_id"))):
            yield reader.tool_failed(event.get("tool_id"), output)
    elif kind == "error":
        yield f"gemini: error: {event.get('message')}"
    elif kind == "result":
        stats = event.get("stats")
        if isinstance(stats, dict):
            reader.add_usage(Usage(_int(stats.get("input_tokens")),
                                   _int(stats.get("output_tokens")), _int(stats.get("cached"))))
        error = event.get("error")
        yield (f"gemini: {event.get('status')}"
               + (f": {error.get('message')}" if isinstance(error, dict) else ""))


def _opencode(reader: StreamReader, event: dict[str, Any]) -> Iterator[str]:
    kind, part = event["type"], event.get("part")
    part = part if isinstance(part, dict) else {}
    if kind == "text":
        yield from str(part.get("text", "")).splitlines()
    elif kind == "reasoning":
        yield f"thinking: {_short(part.get('text', ''))}"
    elif kind == "tool_use":
        state = part.get("state")
        state = state if isinstance(state, dict) else {}
        tool_input = state.get("input")
        command = tool_input.get("command") if isinstance(tool_input, dict) else None
        yield f"→ {part.get('tool')} {_short(tool_input)}"
        metadata = state.get("metadata")
        code = metadata.get("exit") if isinstance(metadata, dict) else None
        if state.get("status") == "error":
            yield reader.command_failed(_short(command or part.get("tool")), state.get("error"))
        elif isinstance(code, int) and code != 0:  # a shell command's result is "completed"
            yield reader.command_failed(_short(command), state.get("output", ""))
    elif kind == "step_finish":
        tokens = part.get("tokens")
        if isinstance(tokens, dict):
            cache = tokens.get("cache")
            cache = cache if isinstance(cache, dict) else {}
            cost = part.get("cost")
            # opencode's input leaves out the cache reads and writes; its reasoning
            # tokens are counted apart from the output.
            reader.add_usage(Usage(
                _int(tokens.get("input")) + _int(cache.get("read")) + _int(cache.get("write")),
                _int(tokens.get("output")) + _int(tokens.get("reasoning")),
                _int(cache.get("read")), float(cost) if isinstance(cost, (int, float)) else None))
    elif kind == "error":
        error = event.get("error")
        data = error.get("data") if isinstance(error, dict) else None
        data = data if isinstance(data, dict) else {}
        status = data.get("statusCode")
        yield (f"opencode: error: {data.get('message') or _short(error)}"
               + (f" (API status {status})" if status else ""))


def _qwen(reader: StreamReader, event: dict[str, Any]) -> Iterator[str]:
    """Qwen Code's stream-json is Claude Code's, with OpenAI's usage in its result."""
    kind = event["type"]
    if kind == "system" and event.get("subtype") == "init":
        yield f"qwen: session started (model {event.get('model')})"
    elif kind == "user":
        yield from _claude(reader, event)
        message = event.get("message")
        content = message.get("content") if isinstance(message, dict) else None
        for part in content if isinstance(content, list) else []:
            # A shell command that failed is no error to qwen, and its exit code is not
            # shown: a git command's fatal line tells.
            if isinstance(part, dict) and part.get("type") == "tool_result" \
                    and part.get("is_error") is not True \
                    and _GIT.search(reader.command_of(part.get("tool_use_id"))) \
                    and _GIT_FATAL.search(_text(part.get("content"))):
                yield reader.tool_failed(part.get("tool_use_id"), _text(part.get("content")))
    elif kind == "assistant":
        yield from _claude(reader, event)
    elif kind == "result":
        usage = event.get("usage")
        if isinstance(usage, dict):  # the whole run's; its input counts the cached part
            reader.add_usage(Usage(_int(usage.get("input_tokens")),
                                   _int(usage.get("output_tokens")),
                                   _int(usage.get("cache_read_input_tokens"))))
        error = event.get("error")
        said = error.get("message") if isinstance(error, dict) else event.get("result", "")
        yield f"qwen: {'error' if event.get('is_error') else 'finished'}: {_short(said)}"


def _copilot(reader: StreamReader, event: dict[str, Any]) -> Iterator[str]:
    """Copilot CLI's session events; its token counts are in its usage file (usage_files)."""
    kind, data = event["type"], event.get("data")
    data = data if isinstance(data, dict) else {}
    if kind == "assistant.message":
        yield from str(data.get("content") or "").splitlines()
        requests = data.get("toolRequests")
        for request in requests if isinstance(requests, list) else []:
            if isinstance(request, dict):
                arguments = request.get("arguments")
                command = arguments.get("command") if isinstance(arguments, dict) else None
                reader.tool_called(request.get("toolCallId"), command or request.get("name"))
                yield f"→ {request.get('name')} {_short(arguments)}"
    elif kind == "tool.execution_complete":
        result, error, shell = data.get("result"), data.get("error"), data.get("shellExecution")
        output = result.get("content") if isinstance(result, dict) else None
        code = shell.get("exitCode") if isinstance(shell, dict) else None
        if data.get("success") is False:
            yield reader.tool_failed(data.get("toolCallId"), error.get("message")
                                     if isinstance(error, dict) else output or error)
        elif isinstance(code, int) and code != 0:  # a failed shell command is a "success"
            yield reader.tool_failed(data.get("toolCallId"), output or f"exit code {code}")
    elif kind == "assistant.turn_retry":  # a refused call, tried again after a wait
        yield f"copilot: retrying the model call ({data.get('reason')})"
    elif kind == "session.error":
        status = data.get("statusCode")
        yield (f"copilot: error ({data.get('errorType')}): {_short(data.get('message'))}"
               + (f" (API status {status})" if status else ""))
    elif kind == "result":
        yield f"copilot: exited {event.get('exitCode')}"


_RENDERERS: dict[str, Render] = {"claude": _claude, "codex": _codex, "gemini": _gemini,
                                 "opencode": _opencode, "qwen": _qwen, "copilot": _copilot}
