"""The demo's simulated coding agent: no network, no API key; one file per track, committed.

`python -m gitorch.demo.agent TRACK PHASE` runs in the track's worktree with its prompt in
GITORCH_PROMPT_FILE. A line `Effort: 1.5s` in the track's body sets how long the work
phase takes; review and commit phases only report. `python -m gitorch.demo.agent --check`
is the demo's test gate: every module the tracks wrote must compile.
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

from gitorch import git
from gitorch.names import slug

PACKAGE = "harbour"
DEFAULT_EFFORT = 1.0
_EFFORT = re.compile(r"^\W*Effort:\W*(\d+(?:\.\d+)?)\s*s\b", re.IGNORECASE | re.MULTILINE)
_TITLE = re.compile(r"^Track (\S+): (.+)$", re.MULTILINE)


def effort(prompt: str) -> float:
    """Seconds of simulated work the track's body asks for."""
    found = _EFFORT.search(prompt)
    return float(found.group(1)) if found else DEFAULT_EFFORT


def title(prompt: str, track: str) -> str:
    """The track's title as the prompt states it."""
    for found in _TITLE.finditer(prompt):
        if found.group(1) == track:
            return found.group(2).strip()
    return track


def work(worktree: Path, track: str, prompt: str) -> None:
    """Take the track's effort, write its module, commit it."""
    name = title(prompt, track)
    seconds = effort(prompt)
    print(f"Planning {track}: {name} (about {seconds:.1f}s of work)", flush=True)
    time.sleep(seconds)
    module = worktree / PACKAGE / f"{slug(track + ' ' + name).replace('-', '_')}.py"
    module.parent.mkdir(exist_ok=True)
    module.write_text(f'"""{name} (track {track}), written by the demo agent."""\n\n\n'
                      f"def ready() -> bool:\n    return True\n", encoding="utf-8")
    print(f"Wrote {module.relative_to(worktree)}", flush=True)
    git.commit_all(worktree, f"{track}: {name}")
    print("Committed", flush=True)


def check(worktree: Path) -> int:
    """The test gate: 0 when every module compiles."""
    modules = sorted((worktree / PACKAGE).glob("*.py"))
    for module in modules:
        try:
            compile(module.read_text(encoding="utf-8"), str(module), "exec")
        except SyntaxError as error:
            print(f"{module.name}: {error}")
            return 1
    print(f"{len(modules)} {'module compiles' if len(modules) == 1 else 'modules compile'}")
    return 0


def main(argv: list[str]) -> int:
    if argv == ["--check"]:
        return check(Path.cwd())
    if len(argv) != 2:
        print("usage: python -m gitorch.demo.agent TRACK PHASE | --check", file=sys.stderr)
        return 2
    track, phase = argv
    prompt = Path(os.environ["GITORCH_PROMPT_FILE"]).read_text(encoding="utf-8")
    if phase == "work":
        work(Path.cwd(), track, prompt)
    else:
        print(f"{phase}: {track} looks complete; nothing to change", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
