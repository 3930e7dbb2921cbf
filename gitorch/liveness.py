"""Whether a pid recorded on this machine is a live process; nothing else imported.

`gitorch status --line` runs on every shell prompt: this is all it needs of processes.
"""

from __future__ import annotations

import os


def this_host() -> str:
    """This machine's name, as records and claims note it beside a pid.

    What gethostname(2) returns, read without importing socket for it.
    """
    return os.uname().nodename


def pid_running(pid: int) -> bool:
    """Whether pid is a live process here; a zombie awaiting its reaper is not."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8", errors="replace") as proc:
            stat = proc.read()
    except OSError:
        return True  # no /proc: kill() said it exists
    return stat.rsplit(")", 1)[1].split()[0] != "Z"
