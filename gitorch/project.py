"""Everything a command needs about the repository it runs in, found once."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from pathlib import Path

from gitorch import git
from gitorch.config.loader import load_config
from gitorch.config.settings import Config
from gitorch.errors import GitorchError
from gitorch.names import default_worktrees_dir
from gitorch.roadmap.kept import parse_kept
from gitorch.roadmap.model import Roadmap
from gitorch.roadmap.vocabulary import Vocabulary, json_form
from gitorch.state import StateDir


@dataclass(frozen=True)
class Project:
    """A repository, its configuration and where gitorch keeps its state."""

    paths: git.RepoPaths
    config: Config
    main_branch: str

    @cached_property
    def state(self) -> StateDir:  # asked for thousands of times a run: made once
        return StateDir(self.paths.state_dir)

    @property
    def worktrees_dir(self) -> Path:
        configured = self.config.worktrees_dir
        if configured is None:
            return default_worktrees_dir(self.paths.main_worktree)
        return (self.paths.main_worktree / Path(configured).expanduser()).resolve()


def open_project(cwd: Path, overrides: dict[str, object] | None = None) -> Project:
    """Find the repository around cwd and load its configuration."""
    return project_for(git.discover(cwd), overrides)


def project_for(paths: git.RepoPaths, overrides: dict[str, object] | None = None) -> Project:
    """The repository at paths (found already), with its configuration loaded."""
    config = load_config(paths.main_worktree, overrides)
    branch = config.main_branch or git.main_head_branch(paths)
    if branch is None:
        raise GitorchError(
            "the main worktree has a detached HEAD; check out your main branch or set "
            "main_branch in gitorch.yaml"
        )
    if not config.roadmap_given and not (paths.main_worktree / config.roadmap).exists():
        from gitorch.roadmap.finding import find_plan  # reads files: only when it is missing

        found = find_plan(paths.main_worktree, config.roadmap_words)
        if found is not None:
            config = replace(config, roadmap=found[0])
    if json_form(config.roadmap, config.roadmap_words) == "taskmaster":
        # Task Master's current tag is the checkout's own state, as for task-master itself.
        from gitorch.roadmap.taskmaster import current_tag

        words = replace(config.roadmap_words, tag=current_tag(paths.main_worktree))
        config = replace(config, roadmap_words=words)
    return Project(paths, config, branch)


@dataclass(frozen=True)
class LoadedRoadmap:
    """The roadmap as committed on main, and a warning if the main worktree's copy differs."""

    roadmap: Roadmap
    text: str
    warning: str | None


def load_roadmap(project: Project, rev: str | None = None) -> LoadedRoadmap:
    """Read and parse the roadmap committed on the main branch (or at rev)."""
    name = project.config.roadmap
    branch = project.main_branch
    committed = git.read_file_at(project.paths, rev or branch, name)
    on_disk = project.paths.main_worktree / name
    if committed is None and git.resolve(project.paths, branch) is None:
        raise GitorchError(f"branch {branch} has no commits yet; commit {name} to it first")
    if committed is None:
        raise GitorchError(f"{name} is not committed on {branch}; "
                           f"{_missing_roadmap_hint(project, name)}")
    text = _decode(committed, name)
    warning = None
    try:
        if rev is None and on_disk.read_bytes() != committed:
            warning = (f"{name} in {project.paths.main_worktree} differs from {branch}; "
                       f"gitorch reads the committed one (commit your edits to use them)")
    except OSError:
        pass
    return LoadedRoadmap(_parsed(project.state, text, name, project.config.roadmap_words),
                         text, warning)


@lru_cache(maxsize=4)
def _parsed(state: StateDir, text: str, name: str, words: Vocabulary) -> Roadmap:
    """The parse of text, once a process: a run reads main's roadmap at every start, and a
    runner forked from it at its own start (a Roadmap is never changed once made)."""
    return parse_kept(state, text, name, words)


def _missing_roadmap_hint(project: Project, name: str) -> str:
    """What to do about a roadmap main lacks: commit it, or name the plan that is there."""
    main_worktree = project.paths.main_worktree
    if (main_worktree / name).is_file():
        return f"commit it: git add {name} && git commit"
    from gitorch.roadmap.finding import choose, plans  # reads files: only when it is missing

    found = plans(main_worktree, project.config.roadmap_words)
    chosen = choose(found)
    if chosen is not None and chosen.roadmap is not None and chosen.name != name:
        return (f"set `roadmap: {chosen.name}` in gitorch.yaml (it reads as a "
                f"{chosen.roadmap.form} plan)")
    if found:  # plans there, none readable: say what is wrong with the first
        return f"{found[0].summary()}; fix it and commit it, or set `roadmap:` in gitorch.yaml"
    return "create it, or set `roadmap:` in gitorch.yaml"


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as bad:
        line = data[: bad.start].count(b"\n") + 1
        raise GitorchError(f"{name}:{line}: not valid UTF-8") from bad
