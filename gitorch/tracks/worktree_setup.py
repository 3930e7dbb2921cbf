"""A new track worktree made ready: ignored files copied in, then the setup command run."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from gitorch.agents.process import run_agent
from gitorch.errors import GitorchError
from gitorch.git import checkouts
from gitorch.names import TrackId
from gitorch.project import Project
from gitorch.sandbox.rules import track_jail
from gitorch.tracks.log import TrackLog


class SetupFailed(GitorchError):
    """worktree.setup exited non-zero."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def prepare(project: Project, track: TrackId, worktree: Path, branch: str, env: dict[str, str],
            log: TrackLog, stopping: Callable[[], bool]) -> None:
    """Copy worktree.copy's files from the main worktree, then run worktree.setup once."""
    settings = project.config.worktree
    main = project.paths.main_worktree
    for pattern in settings.copy:
        found = [path for path in sorted(main.glob(pattern)) if ".git" not in
                 path.relative_to(main).parts]
        if not found:
            log.line(f"worktree.copy: nothing in {main} matches {pattern}")
        for source in found:
            _copy(source, source.relative_to(main), worktree, log)
    if settings.setup is None:
        return
    log.line(f"worktree.setup: {' '.join(settings.setup)}")
    # The command is the repository's, which an agent may have changed: it runs in the
    # track's sandbox, as the agent does.
    jail = track_jail(project, track, worktree, checkouts.worktree_git_dir(worktree), branch,
                      settings.setup[0])
    outcome = run_agent(settings.setup, None, cwd=worktree, env=env,
                        timeout=project.config.agent.timeout, log=log, stopping=stopping,
                        started=lambda pid: None, jail=jail)
    if outcome.exit_code != 0:
        raise SetupFailed(f"worktree.setup `{' '.join(settings.setup[:3])}` exited "
                          f"{outcome.exit_code}" + (f" ({outcome.reason})" if outcome.reason
                                                    else ""), outcome.exit_code)


def _copy(source: Path, name: Path, worktree: Path, log: TrackLog) -> None:
    """Copy name, a file or folder of the main worktree, unless the worktree has it already
    (as it has every tracked file).
    """
    target = worktree / name
    if target.exists() or target.is_symlink():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        if source.is_dir() and not source.is_symlink():
            shutil.copytree(source, target, symlinks=True)
        else:
            shutil.copy2(source, target, follow_symlinks=False)
    except OSError as error:
        raise GitorchError(f"worktree.copy: cannot copy {source}: {error.strerror}") from error
    log.line(f"worktree.copy: {name} -> {target}")
