"""The remote's side of things: its main, fetched once, and which to build on."""

from __future__ import annotations

import time
from dataclasses import dataclass

from gitorch import git
from gitorch.errors import GitorchError
from gitorch.git import network
from gitorch.project import Project


@dataclass(frozen=True)
class MainSync:
    """Where main is locally and on the remote, and what to land onto."""

    local: str
    remote: str | None
    remote_name: str | None
    onto: str


# When this process last fetched each remote's main: (common dir, remote) -> monotonic.
_FETCHED: dict[tuple[str, str], float] = {}


def sync_main(project: Project, also: tuple[str, ...] = (), offline: bool = False,
              fresh_for: float = 0.0) -> MainSync:
    """Fetch the remote's main (and the also refspecs) and pick the newer of the two.

    Refuses if they diverged. offline: leave the remote alone and use the local main.
    fresh_for: seconds within which a fetch this process made stands for a new one (its
    main as then fetched), for a long-lived process that starts tracks often.
    """
    branch = project.main_branch
    local = git.resolve(project.paths, branch)
    if local is None:
        raise GitorchError(f"branch {branch} has no commits")
    remote = remote_name(project)
    if remote is None or offline:
        return MainSync(local, None, None, local)
    key = (str(project.paths.common_dir), remote)
    if not also and time.monotonic() - _FETCHED.get(key, -fresh_for) < fresh_for:
        remote_tip = git.read_ref(project.paths, f"refs/remotes/{remote}/{branch}")
    else:
        remote_tip = network.fetch_branch(project.paths, remote, branch,
                                          project.config.remote_timeout, also)
        _FETCHED[key] = time.monotonic()
    if remote_tip is None or remote_tip == local or git.is_ancestor(project.paths, remote_tip,
                                                                      local):
        return MainSync(local, remote_tip, remote, local)
    if git.is_ancestor(project.paths, local, remote_tip):
        return MainSync(local, remote_tip, remote, remote_tip)
    raise GitorchError(f"{branch} and {remote}/{branch} have diverged; put your commits on "
                       f"top first: {catch_up_command(project, remote, diverged=True)}")


def remote_name(project: Project) -> str | None:
    """The configured remote, if the repository has it."""
    remote = project.config.remote
    if remote is None or network.remote_url(project.paths, remote) is None:
        return None
    return remote


def catch_up_command(project: Project, remote: str, *, diverged: bool) -> str:
    """The command that brings main up to the remote's: a rebase if main has commits of its
    own (a fast-forward cannot), a fast-forward if not."""
    paths, branch = project.paths, project.main_branch
    where = paths.main_worktree
    if git.main_head_branch(paths) == branch:
        return f"git -C {where} pull {'--rebase' if diverged else '--ff-only'} {remote} {branch}"
    if diverged:
        return f"git -C {where} rebase {remote}/{branch} {branch}"
    return f"git -C {where} fetch {remote} {branch}:{branch}"
