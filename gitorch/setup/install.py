"""Setting a repository up: gitorch.yaml if absent, the state folder, the post-commit hook."""

from __future__ import annotations

from pathlib import Path

from gitorch import git
from gitorch.config.loader import default_config_text, load_config
from gitorch.config.settings import REPO_CONFIG_NAME
from gitorch.roadmap.finding import choose, plans
from gitorch.state import StateDir, write_atomic
from gitorch.tracks import hook


def init(cwd: Path) -> list[str]:
    """Set gitorch up in the repository around cwd; return what changed (empty: nothing)."""
    paths = git.discover(cwd)
    changes: list[str] = []
    config_file = paths.main_worktree / REPO_CONFIG_NAME
    if not config_file.exists():
        text = default_config_text()
        # The user's own file may set the words their plans use.
        found = plans(paths.main_worktree, load_config(paths.main_worktree).roadmap_words)
        chosen = choose(found)
        if chosen is not None:
            if chosen.name != "ROADMAP.md":
                text = text.replace("# roadmap: ROADMAP.md\n", f"roadmap: {chosen.name}\n", 1)
            changes.append(f"found {chosen.summary()} (see: gitorch roadmap)")
        # Every other plan, and why it was not taken: one that cannot be read says why.
        changes += [f"also considered {plan.summary()}" for plan in found if plan is not chosen]
        write_atomic(config_file, text.encode())
        changes.insert(0, f"wrote {config_file}")
    load_config(paths.main_worktree)
    state = StateDir(paths.state_dir)
    if not state.root.is_dir():
        changes.append(f"created {state.root}")
    state.ensure()
    changes += hook.install(git.hooks_dir(paths))
    return changes


def uninstall(cwd: Path) -> list[str]:
    """Remove gitorch's post-commit hook and restore the one it replaced, if any."""
    return hook.uninstall(git.hooks_dir(git.discover(cwd)))
