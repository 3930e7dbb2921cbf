"""The overlap benchmark's agent: it really edits the files its track's body names.

`python benchmarks/overlap_agent.py TRACK PHASE` in a track's worktree. In the work phase
it takes the track's `Effort: 1.5s`, then sets the `owner = ...` line of every
`src/*.py` the body names to the track's id (two tracks doing that side by side conflict;
one after the other, the second merges cleanly), writes a note of its own, and commits.
Other phases do nothing.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

_EFFORT = re.compile(r"Effort:\s*(\d+(?:\.\d+)?)s")
_MODULE = re.compile(r"\bsrc/[\w/]+\.py\b")


def main(track: str, phase: str) -> int:
    if phase != "work":
        return 0
    prompt = Path(os.environ["GITORCH_PROMPT_FILE"]).read_text(encoding="utf-8")
    found = _EFFORT.search(prompt)
    time.sleep(float(found.group(1)) if found else 1.0)
    for name in dict.fromkeys(_MODULE.findall(prompt)):
        module = Path(name)
        lines = module.read_text(encoding="utf-8").splitlines()
        module.write_text("\n".join(f'owner = "{track}"' if line.startswith("owner =") else line
                                    for line in lines) + "\n", encoding="utf-8")
    note = Path("notes") / f"{track.replace('/', '-')}.txt"
    note.parent.mkdir(exist_ok=True)
    note.write_text(f"{track} was here\n", encoding="utf-8")
    subprocess.run(["git", "add", "-A"], check=True)
    subprocess.run(["git", "commit", "-q", "-m", f"{track}: edit its modules"], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
