#!/usr/bin/env python3
"""Stand-ins for the real agent CLIs, as they behaved when run as gitorch runs them.

Run as `claude`, `codex`, `aider`, `gemini`, or one of fake_cli_openai.py's (the links in
tests/agents/bin/). Each
prints what the real CLI printed in the recorded transcripts (the same streams, exit codes
and JSON lines), trimmed of noise. The mode comes from FAKE_MODE_<track> (E/1 -> E_1), else
FAKE_MODE, else ok:
  ok       the work is done (a file edited; committed, except by aider) and usage reported
  nokey    no login or key
  401      the API refuses the key
  429      the API rate-limits every request
  limit    a usage limit, reset FAKE_RESET_IN seconds (3) after the first hit, ok after
  nonet    no network: codex reconnects forever
  halt     a new session does no work and waits to be killed (FAKE_HALTED, if set, is a file
           it then writes) or for the file FAKE_GO, then works; a continued one works
FAKE_RUNS, if set, is a file each run appends "<cli> <track> <phase> <mode>" to.
FAKE_ARGV, if set, is a file each run appends a JSON line to: its cli, arguments, cwd, track,
phase, session, whether it continued one, and whether its stdin is a terminal.
FAKE_SESSIONS, if set, is a folder kept as the CLIs keep their sessions: a file a session,
a line a run. Asked to continue a session it has not, each refuses in the real one's words.
Without it, each CLI names the session of its transcripts.
Run without its unattended flag (claude and gemini without -p, `codex resume`, aider without
--message-file), a CLI is its interactive self: it reads one line from its terminal.
FAKE_EDIT, if set, names the file the work (and a message) phase writes (else
<cli>-<track>.txt), so that tracks can conflict; a resolve phase keeps both sides of every
conflict, as the real CLIs did (aider only with --edit-format whole: its diff format leaves
the markers).
gemini runs git as the real one does: without the global config, and with hooks off.
aider writes its own files (chat and input history, tags cache) as the real one does.
Each keeps a session in its folder under ~ (made when absent), and fails as the real one
did where it cannot: claude's shell tool fails, codex and gemini exit 1, aider goes on.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from fake_sessions import conversation, halting, interactive, keep_turn, note_call, talk

NAME = Path(sys.argv[0]).name
ARGS = sys.argv[1:]
TRACK = os.environ.get("GITORCH_TRACK", "")
PHASE = os.environ.get("GITORCH_PHASE", "")


def mode() -> str:
    chosen = os.environ.get(f"FAKE_MODE_{TRACK.replace('/', '_')}") or os.environ.get(
        "FAKE_MODE", "ok")
    if chosen == "limit":
        stamp = Path(os.environ["FAKE_LIMIT_FILE"])
        if not stamp.exists():
            reset = int(time.time() + float(os.environ.get("FAKE_RESET_IN", "3"))) + 1
            stamp.write_text(str(reset))
        if time.time() >= int(stamp.read_text()):
            return "ok"
    return chosen


def out(*lines: str) -> None:
    for line in lines:
        print(line, flush=True)


def err(*lines: str) -> None:
    for line in lines:
        print(line, file=sys.stderr, flush=True)


def line(document: dict[str, object]) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


# Gemini CLI's shell (0.61): no global or system config, git's helpers, hooks, fsmonitor,
# pager and editors blanked, and no prompts.
GEMINI_GIT_ENV = {"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
                  "GIT_CONFIG_SYSTEM": "/dev/null", "GIT_ASKPASS": "", "GIT_PAGER": "cat",
                  "GIT_TERMINAL_PROMPT": "0", "GIT_CONFIG_COUNT": "8",
                  **{f"GIT_CONFIG_KEY_{n}": key for n, key in enumerate((
                      "credential.helper", "core.fsmonitor", "core.hooksPath",
                      "core.sshCommand", "core.pager", "core.editor", "sequence.editor",
                      "diff.external"))},
                  **{f"GIT_CONFIG_VALUE_{n}": "cat" if n == 4 else "" for n in range(8)}}


STATE = {"claude": ".claude/projects", "codex": ".codex/sessions", "gemini": ".gemini/tmp",
         "aider": ".aider/caches"}


def keep_session() -> str | None:
    """Write a session file in the CLI's folder under ~, as the real ones do; the error."""
    folder = Path.home() / STATE[NAME]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"session-{os.getpid()}.jsonl").write_text("{}\n", encoding="utf-8")
    except OSError as error:
        return f"{error.strerror}: {error.filename}"
    return None


def work(commit: bool) -> subprocess.CompletedProcess[str] | None:
    """The agent's edit in the work phase, committed as the real agents do; the commit."""
    if PHASE == "resolve":
        resolve()
        return None
    if PHASE not in ("work", "message"):
        return None
    name = os.environ.get("FAKE_EDIT") or f"{NAME}-{TRACK.replace('/', '-')}.txt"
    with open(name, "a", encoding="utf-8") as file:
        file.write(f"{NAME} was here in {TRACK}\n")
    if not commit:
        return None
    env = {**os.environ, **(GEMINI_GIT_ENV if NAME == "gemini" else {})}
    subprocess.run(["git", "add", name], check=True, env=env)
    # Like the real CLIs, a failed commit is the tool's result, not the agent's end.
    return subprocess.run(["git", "commit", "-q", "-m", f"{TRACK}: {NAME} work"], env=env,
                          capture_output=True, text=True, check=False)


def resolve() -> None:
    """Keep both sides of every conflict; aider's diff edit format cannot remove markers."""
    names = subprocess.run(["git", "diff", "--name-only", "--diff-filter=U"], check=True,
                           capture_output=True, text=True).stdout.split()
    if NAME == "aider" and "whole" not in ARGS:
        out(*(f"Applied edit to {name}" for name in names))
        return
    for name in names:
        with open(name, encoding="utf-8") as file:
            kept = [line for line in file
                    if not line.startswith(("<<<<<<< ", "=======", ">>>>>>> "))]
        with open(name, "w", encoding="utf-8") as file:
            file.writelines(kept)


def claude(how: str) -> int:
    if "--dangerously-skip-permissions" in ARGS and os.geteuid() == 0 \
            and not os.environ.get("IS_SANDBOX"):
        err("--dangerously-skip-permissions cannot be used with root/sudo privileges for "
            "security reasons")
        return 1
    session, resumed = conversation()
    if not keep_turn(session, resumed):
        err(f"No conversation found with session ID: {session}")
        return 1
    out(line({"type": "system", "subtype": "init", "cwd": os.getcwd(), "session_id": session,
              "model": "claude-sonnet-5", "permissionMode": "bypassPermissions"}))
    zero = {"input_tokens": 0, "output_tokens": 0, "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0}

    def said(text: str, error: str | None = None) -> str:
        event: dict[str, object] = {"type": "assistant", "message": {
            "model": "<synthetic>", "role": "assistant", "usage": zero,
            "content": [{"type": "text", "text": text}]}, "session_id": session}
        if error:
            event["error"] = error
        return line(event)

    def result(text: str, error: bool, status: int | None = None, cost: float = 0,
               models: dict[str, object] | None = None) -> str:
        return line({"type": "result", "subtype": "success", "is_error": error,
                     "api_error_status": status, "num_turns": 1, "result": text,
                     "session_id": session, "total_cost_usd": cost, "usage": zero,
                     "modelUsage": models or {}})

    if how == "halt" and halting(resumed):
        return 1
    if how in ("ok", "halt"):
        failed = keep_session()
        if failed:  # every shell command then fails, and claude still ends well
            out(line({"type": "assistant", "message": {"content": [
                {"type": "tool_use", "id": "toolu_1", "name": "Bash",
                 "input": {"command": "git commit -m work"}}]}}),
                line({"type": "user", "message": {"role": "user", "content": [
                    {"type": "tool_result", "tool_use_id": "toolu_1", "is_error": True,
                     "content": f"EROFS: {failed}"}]}}))
        else:
            work(commit=True)
        out(said("Done (mock)."), result("Done (mock).", False, None, 0.009954000000000003, {
            "claude-sonnet-5": {"inputTokens": 2468, "outputTokens": 112,
                                "cacheReadInputTokens": 400, "cacheCreationInputTokens": 200,
                                "webSearchRequests": 0, "costUSD": 0.009954000000000003}}))
        return 0
    if how == "nokey":
        out(said("Not logged in · Please run /login", "authentication_failed"),
            result("Not logged in · Please run /login", True))
        return 1
    if how == "limit":
        reset = Path(os.environ["FAKE_LIMIT_FILE"]).read_text()
        text = f"Claude AI usage limit reached|{reset}"
        out(said(text, "rate_limit"), result(text, True, 429))
        return 1
    message = ("API Error: Request rejected (429) · This request would exceed your "
               "organization's rate limit. (mock)")
    out(line({"type": "system", "subtype": "api_retry", "attempt": 1, "max_retries": 1,
              "retry_delay_ms": 1000, "error_status": 429, "error": "rate_limit"}),
        said(message, "rate_limit"), result(message, True, 429))
    return 1


def codex(how: str) -> int:
    if ARGS[:2] == ["login", "status"]:
        if os.environ.get("OPENAI_API_KEY") or how != "nokey":
            err("Logged in using an API key - sk-mock***")
            return 0
        err("Not logged in")
        return 1
    err("Reading additional input from stdin...")
    session, resumed = conversation()
    if not keep_turn(session, resumed):
        err(f"Error: thread/resume: thread/resume failed: no rollout found for thread id "
            f"{session} (code -32600)")
        return 1
    if how in ("ok", "halt") and keep_session():
        err("Error: failed to initialize in-process app-server client: Read-only file system "
            "(os error 30)")
        return 1
    out(line({"type": "thread.started", "thread_id": session}), line({"type": "turn.started"}))
    if how == "halt" and halting(resumed):
        return 1
    if how in ("ok", "halt"):
        work(commit=True)
        out(line({"type": "item.completed", "item": {"id": "item_0", "type": "agent_message",
                                                     "text": "Done (mock)."}}),
            line({"type": "turn.completed", "usage": {
                "input_tokens": 1234, "cached_input_tokens": 200, "cache_write_input_tokens": 0,
                "output_tokens": 56, "reasoning_output_tokens": 7}}))
        return 0
    if how in ("limit", "429"):
        text = "You\u2019ve hit your usage limit. Try again later."  # as codex spells it
        out(line({"type": "error", "message": text}),
            line({"type": "turn.failed", "error": {"message": text}}))
        return 1
    if how == "nonet":
        while True:
            out(line({"type": "error", "message": "Reconnecting... waiting for network "
                                                  "(Connection failed: error sending request)"}))
            time.sleep(0.5)
    text = ("unexpected status 401 Unauthorized: Incorrect API key provided (mock), "
            "url: http://127.0.0.1:18012/v1/responses")
    out(line({"type": "error", "message": text}),
        line({"type": "turn.failed", "error": {"message": text}}))
    return 1


def aider(how: str) -> int:
    err("Warning: Input is not a terminal (fd=0).")
    if "--no-gitignore" not in ARGS:
        out("You can skip this check with --no-gitignore", "Added .aider* to .gitignore")
        with open(".gitignore", "a", encoding="utf-8") as file:
            file.write(".aider*\n")
    if how == "nokey":
        out("No LLM model was specified and no API keys were provided.",
            "OpenRouter provides free and paid access to many LLMs.", "",
            "Please open this URL in your browser to connect Aider with OpenRouter:", "",
            "https://openrouter.ai/auth?callback_url=http://localhost:8484/callback/aider", "",
            "Waiting up to 5 minutes for you to finish in the browser...",
            "Use Control-C to interrupt.")
        time.sleep(300)
        return 1
    failed = keep_session()
    if failed:
        out(f"Error checking version: {failed}")
    out("Aider v0.86.2", "Main model: gpt-4o with diff edit format", "Weak model: gpt-4o-mini")
    if how == "halt" and halting("--restore-chat-history" in ARGS):
        return 1
    if how == "401":
        out("litellm.AuthenticationError: AuthenticationError: OpenAIException - Incorrect ",
            "API key provided (mock)",
            "The API provider is not able to authenticate you. Check your API key.")
        return 0
    if how in ("429", "limit"):
        for delay in ("0.2", "0.5"):
            out("litellm.RateLimitError: RateLimitError: OpenAIException - Rate limit reached "
                "for", "requests (mock)",
                "The API provider has rate limited you. Try again later or check your quotas.",
                f"Retrying in {delay} seconds...")
        out("litellm.RateLimitError: RateLimitError: OpenAIException - Rate limit reached for",
            "requests (mock)",
            "The API provider has rate limited you. Try again later or check your quotas.")
        return 0
    work(commit="--no-auto-commits" not in ARGS)
    for option, default in (("--chat-history-file", ".aider.chat.history.md"),
                            ("--input-history-file", ".aider.input.history")):
        where = ARGS[ARGS.index(option) + 1] if option in ARGS else default
        with open(where, "a", encoding="utf-8") as file:
            file.write(f"# aider chat of {TRACK} {PHASE}\n")
    os.makedirs(".aider.tags.cache.v4", exist_ok=True)
    with open(".aider.tags.cache.v4/cache.db", "wb") as file:
        file.write(bytes(range(256)))
    log = ARGS[ARGS.index("--analytics-log") + 1] if "--analytics-log" in ARGS else None
    if log:
        total = 0.0
        with open(log, "a", encoding="utf-8") as file:
            for sent, cost in ((2544, 0.006710000000000001), (2714, 0.007135000000000001),
                               (2884, 0.007560000000000001), (3054, 0.007985)):
                total += cost
                file.write(json.dumps({"event": "message_send", "properties": {
                    "edit_format": "diff", "prompt_tokens": sent, "completion_tokens": 35,
                    "total_tokens": sent + 35, "cost": cost, "total_cost": total}}) + "\n")
    out("feat: add add() (mock)", "",
        "Tokens: 2.5k sent, 8 received. Cost: $0.0064 message, $0.0064 session.")
    return 0


def gemini(how: str) -> int:
    err("YOLO mode is enabled. All tool calls will be automatically approved.")
    if "--skip-trust" not in ARGS and not os.environ.get("GEMINI_CLI_TRUST_WORKSPACE"):
        err('Approval mode overridden to "default" because the current folder is not trusted.',
            "Gemini CLI is not running in a trusted directory. To proceed, either use "
            "`--skip-trust`, set the `GEMINI_CLI_TRUST_WORKSPACE=true` environment variable, "
            "or trust this directory in interactive mode.")
        return 55
    if how == "nokey":
        err("Please set an Auth method in your ~/.gemini/settings.json or specify one of the "
            "following environment variables before running: GEMINI_API_KEY, "
            "GOOGLE_GENAI_USE_VERTEXAI, GOOGLE_GENAI_USE_GCA")
        return 41
    if how in ("429", "limit"):
        err("Error when talking to Gemini API Full report available at: /var/tmp/gemini-client"
            "-error.json TerminalQuotaError: You have exhausted your daily quota on this model.",
            "  status: 429", "}", "An unexpected critical error occurred:[object Object]")
        return 1
    if how == "401":
        err('Error when talking to Gemini API _ApiError: {"error":{"code":401,"message":"API '
            'key not valid. (mock)","status":"UNAUTHENTICATED"}}',
            "An unexpected critical error occurred:[object Object]")
        return 1
    session, resumed = conversation()
    if not keep_turn(session, resumed):
        err(f'Error resuming session: Invalid session identifier "{session}".')
        return 1
    failed = keep_session()
    if failed:
        err(f"An unexpected critical error occurred:Error: EROFS: {failed}")
        return 1
    stamp = "2026-12-02T09:50:17.593Z"
    out(line({"type": "init", "timestamp": stamp, "session_id": session,
              "model": "gemini-2.5-flash"}),
        line({"type": "message", "timestamp": stamp, "role": "user", "content": "(prompt)"}))
    if how == "halt" and halting(resumed):
        return 1
    committed = work(commit=True)
    if committed is not None:
        command = f"git commit -q -m '{TRACK}: gemini work'"
        # A failed command is a "success" too, its output all there is of it.
        out(line({"type": "tool_use", "timestamp": stamp, "tool_name": "run_shell_command",
                  "tool_id": "run_shell_command-1", "parameters": {"command": command}}),
            line({"type": "tool_result", "timestamp": stamp, "tool_id": "run_shell_command-1",
                  "status": "success",
                  "output": (committed.stdout + committed.stderr).strip()}))
    out(line({"type": "message", "timestamp": stamp, "role": "assistant",
              "content": "Done (mock).", "delta": True}),
        line({"type": "result", "timestamp": stamp, "status": "success", "stats": {
            "total_tokens": 1290, "input_tokens": 1234, "output_tokens": 56, "cached": 200,
            "input": 1034, "duration_ms": 60, "tool_calls": 0}}))
    return 0


if __name__ == "__main__":
    if NAME in ("claude", "codex", "gemini", "aider") and ARGS[:1] != ["login"]:
        note_call(*conversation())
        if interactive():
            sys.exit(talk(conversation()[0]))
    chosen = mode()
    runs = os.environ.get("FAKE_RUNS")
    if runs:
        with open(runs, "a", encoding="utf-8") as ledger:
            ledger.write(f"{NAME} {TRACK} {PHASE} {chosen}\n")
    from fake_cli_openai import CLIS
    sys.exit({"claude": claude, "codex": codex, "aider": aider, "gemini": gemini,
              **CLIS}[NAME](chosen))
