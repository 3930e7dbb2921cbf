#!/usr/bin/env python3
"""A stand-in `claude` with a token model, for the resume case (benchmarks/resume_tokens.py).

A task is TURNS turns. Each turn sends the whole conversation so far (a system prompt,
the prompts, every earlier turn's output and tool results) as input, and adds its output
and a tool result to it, as an agent's API calls do. Sessions are kept in BENCH_SESSIONS
(a file a session: the turns done and the conversation's size), so `--resume` continues
one: its next turn sends everything before it. Every call's tokens are appended to
BENCH_BILL, the API's bill, whether the run ends or is killed. With BENCH_CUT set, a new
session stops after that many turns, writes its id to BENCH_CUT_FILE and waits to be
ended, as an agent cut short by a stop or a usage limit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

TURNS = 8
SYSTEM = 2000  # the CLI's system prompt and tool definitions
OUTPUT = 500  # what a turn writes
TOOL_RESULT = 1500  # what the tool a turn calls returns into the conversation
SECONDS = 0.02  # a turn's wall time


def _emit(event: dict[str, object]) -> None:
    print(json.dumps(event, separators=(",", ":")), flush=True)


def main(args: list[str]) -> int:
    prompt = args[args.index("-p") + 1]
    store = Path(os.environ["BENCH_SESSIONS"])
    resumed = "--resume" in args
    session = args[args.index("--resume" if resumed else "--session-id") + 1]
    path = store / session
    if resumed and not path.exists():
        print(f"No conversation found with session ID: {session}", file=sys.stderr)
        return 1
    state = json.loads(path.read_text()) if resumed else {"turns": 0, "size": SYSTEM}
    state["size"] += len(prompt.split()) * 4 // 3  # the prompt joins the conversation
    _emit({"type": "system", "subtype": "init", "session_id": session, "model": "bench"})
    cut = os.environ.get("BENCH_CUT")
    spent_in = spent_out = 0
    while state["turns"] < TURNS:
        if cut and not resumed and state["turns"] == int(cut):
            Path(os.environ["BENCH_CUT_FILE"]).write_text(session)
            time.sleep(600)  # ended by gitorch stop
        spent_in += state["size"]
        spent_out += OUTPUT
        with open(os.environ["BENCH_BILL"], "a", encoding="utf-8") as bill:
            bill.write(f"{state['size']} {OUTPUT}\n")
        state["size"] += OUTPUT + TOOL_RESULT
        state["turns"] += 1
        with open("work.txt", "a", encoding="utf-8") as work:  # the turn's part of the work
            work.write(f"turn {state['turns']}\n")
        path.write_text(json.dumps(state))
        _emit({"type": "assistant", "session_id": session, "message": {
            "role": "assistant", "content": [{"type": "text", "text": f"turn {state['turns']}"}]}})
        time.sleep(SECONDS)
    subprocess.run(["git", "add", "work.txt"], check=True)
    subprocess.run(["git", "commit", "-qm", "The task, done"], check=True)
    _emit({"type": "result", "subtype": "success", "is_error": False, "num_turns": TURNS,
           "result": "done", "session_id": session, "total_cost_usd": 0, "modelUsage": {
               "bench": {"inputTokens": spent_in, "outputTokens": spent_out}}})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
