"""Stand-ins for the agent CLIs that speak to OpenAI-compatible APIs (opencode, qwen,
copilot), as the real ones printed. Run through fake_cli.py, with its modes and helpers."""

from __future__ import annotations

import json
import os

from fake_cli import ARGS, TRACK, err, line, out, work


def _commit_output() -> tuple[str, str, int]:
    """The agent's commit of its work: the command, what it printed, its exit code."""
    committed = work(commit=True)
    if committed is None:
        return "", "", 0
    return (f"git commit -q -m '{TRACK}: work'", committed.stdout + committed.stderr,
            committed.returncode)

def opencode(how: str) -> int:
    session, stamp = "ses_dadedf7a6ffeOMkuY4rQJANB9o", 1796673254914

    def event(kind: str, **fields: object) -> str:
        return line({"type": kind, "timestamp": stamp, "sessionID": session, **fields})

    if how in ("401", "429", "limit"):
        status = 401 if how == "401" else 429
        message = ("Incorrect API key provided: sk-mock (mock)" if status == 401 else
                   "You exceeded your current quota, please check your plan and billing "
                   "details. (mock)")
        out(event("error", error={"name": "APIError", "data": {
            "message": message, "statusCode": status, "isRetryable": status == 429,
            "metadata": {"url": "http://127.0.0.1:18101/v1/chat/completions"}}}))
        return 1
    tokens = {"total": 1290, "input": 1034, "output": 56, "reasoning": 0,
              "cache": {"write": 0, "read": 200}}
    out(event("step_start", part={"type": "step-start"}))
    command, said, code = _commit_output()
    if command:
        out(event("tool_use", part={"type": "tool", "tool": "bash", "callID": "call_1",
                                    "state": {"status": "completed",
                                              "input": {"command": command},
                                              "output": said,
                                              "metadata": {"output": said, "exit": code},
                                              "title": command}}))
    out(event("text", part={"type": "text", "text": "Done (mock)."}),
        event("step_finish", part={"type": "step-finish", "reason": "stop", "tokens": tokens,
                                   "cost": 0}))
    return 0

# qwen's answer after its seven tries at a 429 (its retry.ts and errorParsing.ts).
QWEN_429 = ("[API Error: 429 You exceeded your current quota, please check your plan and "
            "billing details. (mock)]\nPossible quota limitations in place or slow response "
            "times detected. Please wait and try again later.")


def qwen(how: str) -> int:
    session = "018c0d2c-9bc2-455b-8f9d-3bdee9dba081"
    usage = {"input_tokens": 1234, "output_tokens": 56, "cache_read_input_tokens": 200,
             "total_tokens": 1290}

    def said(*content: dict[str, object], tokens: dict[str, int] = usage) -> str:
        return line({"type": "assistant", "session_id": session, "parent_tool_use_id": None,
                     "message": {"type": "message", "role": "assistant", "model": "gpt-mock",
                                 "content": list(content), "usage": tokens}})

    def result(text: str, tokens: dict[str, int], turns: int = 1) -> str:
        return line({"type": "result", "subtype": "success", "session_id": session,
                     "is_error": False, "num_turns": turns, "result": text, "usage": tokens})

    if how == "nokey":
        out(line({"type": "result", "subtype": "error_during_execution", "session_id": session,
                  "is_error": True, "num_turns": 0,
                  "usage": {"input_tokens": 0, "output_tokens": 0}, "error": {
                      "message": "No auth type is selected. Please configure an auth type "
                                 "(e.g. via settings or `--auth-type`) before running in "
                                 "non-interactive mode."}}))
        return 1
    out(line({"type": "system", "subtype": "init", "session_id": session, "cwd": os.getcwd(),
              "model": "gpt-mock", "permission_mode": "yolo", "qwen_code_version": "0.15.10"}))
    if how in ("401", "429", "limit"):
        text = ("[API Error: 401 Incorrect API key provided: sk-mock (mock)]" if how == "401"
                else QWEN_429)
        nothing = {"input_tokens": 0, "output_tokens": 0}
        out(said({"type": "text", "text": text}, tokens=nothing), result(text, nothing))
        return 0
    command, output, _ = _commit_output()
    turns = 1
    if command:
        turns = 2
        out(said({"type": "tool_use", "id": "call_1", "name": "run_shell_command",
                  "input": {"command": command}}),
            line({"type": "user", "session_id": session, "parent_tool_use_id": None,
                  "message": {"role": "user", "content": [
                      {"type": "tool_result", "tool_use_id": "call_1", "is_error": False,
                       "content": output.strip()}]}}))
    out(said({"type": "text", "text": "Done (mock)."}),
        result("Done (mock).", {"input_tokens": 2468, "output_tokens": 112,
                                "cache_read_input_tokens": 400, "total_tokens": 2580}, turns))
    return 0


def copilot(how: str) -> int:
    if how == "nokey":
        err("Error: No authentication information found.", "",
            "Copilot can be authenticated with GitHub using an OAuth Token or a Fine-Grained "
            "Personal Access Token.", "",
            "To authenticate, you can use any of the following methods:",
            "  \u2022 Start 'copilot' and run the '/login' command",
            "  \u2022 Set the COPILOT_GITHUB_TOKEN, GH_TOKEN, or GITHUB_TOKEN environment "
            "variable", "  \u2022 Run 'gh auth login' to authenticate with the GitHub CLI")
        return 1
    stamp = "2026-12-07T20:12:53.595Z"

    def event(kind: str, data: dict[str, object], **fields: object) -> str:
        return line({"type": kind, "data": data, "id": "a8c79584", "timestamp": stamp,
                     **fields})

    def result(code: int) -> str:
        return line({"type": "result", "timestamp": stamp, "sessionId": "cb5ab1e9",
                     "exitCode": code, "usage": {"premiumRequests": 0}})

    out(event("user.message", {"content": "(prompt)", "turnId": "0"}),
        event("assistant.turn_start", {"turnId": "0"}))
    if how in ("401", "429", "limit"):
        error = ({"errorType": "authentication", "statusCode": 401, "message":
                  "Authentication failed with provider at http://127.0.0.1:18101/v1 (HTTP "
                  "401).\n  Check your COPILOT_PROVIDER_API_KEY, "
                  "COPILOT_PROVIDER_API_KEY_COMMAND, or COPILOT_PROVIDER_BEARER_TOKEN."}
                 if how == "401" else
                 {"errorType": "rate_limit", "statusCode": 429, "message":
                  "429 You exceeded your current quota, please check your plan and billing "
                  "details. (mock)"})
        if how != "401":  # as for a 429 with no retry headers
            out(*(event("assistant.turn_retry", {"turnId": "0", "reason": "rate_limit"})
                  for _ in range(5)))
        out(event("session.error", error), result(1))
        return 1
    command, output, code = _commit_output()
    if command:
        arguments = {"command": command, "description": "commit"}
        out(event("assistant.message", {"content": "", "toolRequests": [
                {"toolCallId": "call_1", "name": "bash", "arguments": arguments}]}),
            event("tool.execution_complete", {
                "toolCallId": "call_1", "shellExecution": {"exitCode": code}, "success": True,
                "result": {"content": f"{output}<shellId: 0 completed with exit code {code}>"}}))
    out(event("assistant.message", {"content": "Done (mock).", "toolRequests": []}),
        event("assistant.turn_end", {"turnId": "0"}), result(0))
    usage = {"inputTokens": 2468, "outputTokens": 112, "cacheReadTokens": 400,
             "cacheWriteTokens": 0}
    if "--usage-output-file" in ARGS:
        # Written beside and renamed over, as the real one does; where that fails (a file
        # bound on its own), it says so and exits 1.
        target = ARGS[ARGS.index("--usage-output-file") + 1]
        try:
            with open(f"{target}.tmp", "w", encoding="utf-8") as file:
                json.dump({"totalPremiumRequestCost": 0, "modelMetrics": {"gpt-mock": {
                    "requests": {"count": 2, "cost": 0}, "usage": usage}}}, file)
            os.replace(f"{target}.tmp", target)
        except OSError as error:
            err(f"Failed to write usage stats: Error: Persistence error: I/O error: "
                f"{error.strerror} (os error {error.errno})")
            return 1
    return 0


CLIS = {"opencode": opencode, "qwen": qwen, "copilot": copilot}
