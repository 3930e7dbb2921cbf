"""Where plans live: the first file in a worktree that gitorch can read as a roadmap."""

from __future__ import annotations

import re
from pathlib import Path

from gitorch.roadmap.model import Roadmap, RoadmapError
from gitorch.roadmap.reader import parse

# In the order they are looked for: the default, GSD's, Spec Kit's, then others.
_PLAN_NAMES = ("ROADMAP.md", ".planning/ROADMAP.md", "tasks.md", "docs/ROADMAP.md", "PLAN.md",
               "TODO.md", "docs/tasks.md")
_SAFE_NAME = re.compile(r"[A-Za-z0-9._/-]+")


def find_plan(root: Path) -> tuple[str, Roadmap] | None:
    """The first plan gitorch can read: ROADMAP.md, GSD's, Spec Kit's tasks.md, others."""
    specs = sorted(p.relative_to(root).as_posix() for p in root.glob("specs/*/tasks.md"))
    for name in (*_PLAN_NAMES[:3], *specs, *_PLAN_NAMES[3:]):
        path = root / name
        if not path.is_file() or not _SAFE_NAME.fullmatch(name):
            continue  # a name that would need quoting in gitorch.yaml is not guessed at
        try:
            return name, parse(path.read_text(encoding="utf-8"), name)
        except (OSError, UnicodeDecodeError, RoadmapError):
            continue
    return None
