"""Setting a repository up: gitorch.yaml if absent, the state folder, the post-commit hook."""

from __future__ import annotations

import re
from pathlib import Path

from gitorch import git
from gitorch.config.loader import default_config_text, load_config
from gitorch.config.settings import REPO_CONFIG_NAME
from gitorch.roadmap.model import Roadmap, RoadmapError
from gitorch.roadmap.reader import parse
from gitorch.state import StateDir, write_atomic
from gitorch.tracks import hook

# Where plans live, in the order init looks: the default, GSD's, Spec Kit's, then others.
_PLAN_NAMES = ("ROADMAP.md", ".planning/ROADMAP.md", "tasks.md", "docs/ROADMAP.md", "PLAN.md",
               "TODO.md", "docs/tasks.md")
_SAFE_NAME = re.compile(r"[A-Za-z0-9._/-]+")


def init(cwd: Path) -> list[str]:
    """Set gitorch up in the repository around cwd; return what changed (empty: nothing)."""
    paths = git.discover(cwd)
    changes: list[str] = []
    config_file = paths.main_worktree / REPO_CONFIG_NAME
    if not config_file.exists():
        text = default_config_text()
        found = find_plan(paths.main_worktree)
        if found is not None:
            name, roadmap = found
            if name != "ROADMAP.md":
                text = text.replace("# roadmap: ROADMAP.md\n", f"roadmap: {name}\n", 1)
            tracks = len(roadmap.tracks())
            changes.append(f"found {name}: read as {roadmap.form}, {len(roadmap.groups)} "
                           f"groups and {tracks} tracks (see: gitorch roadmap)")
        write_atomic(config_file, text.encode())
        changes.insert(0, f"wrote {config_file}")
    load_config(paths.main_worktree)
    state = StateDir(paths.state_dir)
    if not state.root.is_dir():
        changes.append(f"created {state.root}")
    state.ensure()
    changes += hook.install(git.hooks_dir(paths))
    return changes


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


def uninstall(cwd: Path) -> list[str]:
    """Remove gitorch's post-commit hook and restore the one it replaced, if any."""
    return hook.uninstall(git.hooks_dir(git.discover(cwd)))
