"""Which paths a track's phase, or the test gate, may write; which credentials it may not see."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import gitorch
from gitorch.agents.presets import PRESETS
from gitorch.names import TrackId, track_branch_folder, track_ref_folder
from gitorch.project import Project
from gitorch.sandbox.jail import Jail, Rules, confine, unconfined
from gitorch.state import write_atomic

# Where the agent CLIs keep their logins, sessions and settings.
AGENT_STATE = tuple(path for preset in PRESETS.values() for path in preset.state)
CREDENTIAL_PATHS = ("~/.ssh", "~/.git-credentials", "~/.config/git/credentials", "~/.netrc",
                    "~/.config/gh", "~/.aws", "~/.config/gcloud", "~/.azure")
# Files git keeps in a worktree's own git dir that say which repository it belongs to: an
# agent that rewrote them could point gitorch's own git processes at a config of its own.
POINTERS = ("commondir", "gitdir", "gitorch-track", "gitorch-wip")


def track_jail(project: Project, track: TrackId, worktree: Path, git_dir: Path, branch: str,
               program: str, extra: Sequence[Path] = (), state: Sequence[str] = ()) -> Jail:
    """The jail of a phase of track working in worktree (whose private git dir is git_dir).

    program: the agent's, kept in sight even in a folder of the private /tmp.
    state: the agent's own state under ~; its folders are made, for a first run inside.
    """
    if project.config.sandbox.mode == "off":
        return unconfined(project.config.sandbox)  # no path to work out for every phase
    for folder in _home(name for name in state if name.endswith("/")):
        folder.mkdir(parents=True, exist_ok=True)
    common = project.paths.common_dir
    settings = project.config.sandbox
    # The hook appends to it from inside, where only a file that is there can be opened up.
    project.state.events(track).parent.mkdir(parents=True, exist_ok=True)
    project.state.events(track).touch()
    writable = [worktree, git_dir, common / "objects", project.state.events(track),
                project.state.log(track), *extra, *_home(AGENT_STATE), *_home(settings.writable)]
    own_branch = track_branch_folder(track)
    # A branch named before each track had its own folder shares it with every other
    # track's: it is not opened up, and a commit there fails instead.
    if branch.startswith(own_branch + "/"):
        writable += _ref_folders(common, f"refs/heads/{own_branch}")
    writable += _ref_folders(common, track_ref_folder(track))
    pinned = [worktree / ".git", *(git_dir / name for name in POINTERS)]
    return confine(settings, _rules(project, worktree, writable, pinned, program))


def gate_jail(project: Project, worktree: Path, program: str) -> Jail:
    """The jail of the test command in the gate's scratch worktree: that alone is writable."""
    writable = [worktree, *_home(project.config.sandbox.writable)]
    return confine(project.config.sandbox, _rules(project, worktree, writable,
                                                  [worktree / ".git"], program))


def _rules(project: Project, workdir: Path, writable: list[Path], pinned: list[Path],
           program: str) -> Rules:
    settings = project.config.sandbox
    loose = unconfined(settings)
    visible = [project.paths.main_worktree, project.paths.common_dir, project.worktrees_dir,
               Path.home(), Path(sys.prefix), Path(gitorch.__file__).parent.parent,
               *_program_folders(program), *_search_path(), *_home(settings.allow)]
    hidden = _home(name for name in CREDENTIAL_PATHS if name not in settings.allow)
    # Not /dev/null: bwrap mounts binds nodev, where a device cannot be opened at all.
    empty = project.state.root / "sandbox-empty"
    if not empty.is_file():
        write_atomic(empty, b"", mode=0o444)
    return Rules(workdir, tuple(writable), tuple(pinned), tuple(visible), tuple(hidden),
                 empty, loose.hidden_env, loose.keep_helpers, settings.network)


def _program_folders(program: str) -> list[Path]:
    """The agent program's folder, and its real file's (a link on PATH, say)."""
    found = shutil.which(program)
    if found is None:
        return []
    return [Path(found).parent, Path(os.path.realpath(found)).parent]


def _search_path() -> list[Path]:
    """The folders of PATH, whose programs an agent runs, some of which may be in /tmp."""
    return [Path(entry) for entry in os.environ.get("PATH", "").split(os.pathsep)
            if os.path.isabs(entry)]


def _ref_folders(common: Path, folder: str) -> list[Path]:
    """A ref folder and its reflog folder, made now: bwrap binds only what exists."""
    folders = [common / folder, common / "logs" / folder]
    for path in folders:
        path.mkdir(parents=True, exist_ok=True)
    return folders


def _home(names: Iterable[str]) -> list[Path]:
    return [Path(name).expanduser() for name in names if name.startswith(("/", "~"))]
