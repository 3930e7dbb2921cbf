"""The session side of the fake CLIs (fake_cli.py): which conversation a run is in, the
session store (FAKE_SESSIONS), the ledger of calls (FAKE_ARGV), the halt mode's wait, and
the CLIs' interactive selves, as fake_cli.py's docstring tells."""

from __future__ import annotations

import functools
import json
import os
import sys
import time
import uuid
from pathlib import Path

NAME = Path(sys.argv[0]).name
ARGS = sys.argv[1:]
TRACK = os.environ.get("GITORCH_TRACK", "")
PHASE = os.environ.get("GITORCH_PHASE", "")


def after(option: str) -> str | None:
    return ARGS[ARGS.index(option) + 1] if option in ARGS[:-1] else None


@functools.cache
def conversation() -> tuple[str, bool]:
    """The session this run is in, and whether it was asked to continue it."""
    store = os.environ.get("FAKE_SESSIONS")
    fixed = {"claude": "8997f56d-c36f-46e3-8290-ba807b43586d",
             "codex": "01a23626-d718-7880-97e3-d24ce3b5d0c4", "gemini": "1d41f18d"}.get(NAME, "")
    if NAME == "codex" and "resume" in ARGS:
        return ARGS[ARGS.index("resume") + 1], True
    if NAME == "aider":
        return after("--chat-history-file") or "", "--restore-chat-history" in ARGS
    if after("--resume"):
        return after("--resume") or "", True
    new = after("--session-id") or (str(uuid.uuid4()) if store and NAME != "claude" else fixed)
    return new, False


def keep_turn(session: str, resumed: bool) -> bool:
    """Add this run to its session in FAKE_SESSIONS; False: a session to continue is gone."""
    store = os.environ.get("FAKE_SESSIONS")
    if not store or NAME == "aider":
        return True
    path = Path(store) / f"{NAME}-{session}"
    if resumed and not path.exists():
        return False
    with path.open("a", encoding="utf-8") as file:
        file.write(f"{TRACK} {PHASE}\n")
    return True


def note_call(session: str, resumed: bool) -> None:
    where = os.environ.get("FAKE_ARGV")
    if where:
        with open(where, "a", encoding="utf-8") as file:
            file.write(json.dumps({"cli": NAME, "args": ARGS, "cwd": os.getcwd(), "track": TRACK,
                                   "phase": PHASE, "session": session, "resumed": resumed,
                                   "tty": os.isatty(0)}) + "\n")


def interactive() -> bool:
    """Whether the CLI was run for a person rather than unattended."""
    if NAME == "codex":
        return ARGS[:1] == ["resume"]
    if NAME == "aider":
        return "--message-file" not in ARGS
    return NAME in ("claude", "gemini") and "-p" not in ARGS


def talk(session: str) -> int:
    """The interactive CLI: a greeting, one line read from the person, and goodbye."""
    print(f"{NAME} interactive, session {session}", flush=True)
    said = sys.stdin.readline().strip()
    keep_turn(session, False)
    print(f"{NAME} heard: {said}", flush=True)
    return 0


def halting(resumed: bool) -> bool:
    """halt mode, in a new session: say so, and wait to be killed (True) or told to go on."""
    if resumed:
        return False
    marker, go = os.environ.get("FAKE_HALTED"), os.environ.get("FAKE_GO")
    if marker:
        Path(marker).write_text(f"{TRACK} {PHASE}\n")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if go and Path(go).exists():
            return False
        time.sleep(0.05)
    return True
