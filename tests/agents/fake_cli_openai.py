"""Stand-ins for the agent CLIs that speak to OpenAI-compatible APIs (opencode), as the
real ones printed. Run through fake_cli.py, with its modes and helpers."""

from __future__ import annotations

from fake_cli import TRACK, line, out, work


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

CLIS = {"opencode": opencode}
