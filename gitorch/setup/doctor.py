"""The checks `gitorch doctor` runs: git, repository, config, roadmap, hook, agent, remote."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from gitorch import git
from gitorch.agents.preflight import agent_problems
from gitorch.agents.presets import agent_for, command_template
from gitorch.errors import GitorchError
from gitorch.git import locks, network
from gitorch.output import plural
from gitorch.process import Completed
from gitorch.project import Project, load_roadmap, open_project
from gitorch.sandbox.probe import availability
from gitorch.tracks.hook import HOOK, is_ours

MIN_GIT = (2, 38, 0)  # `git merge-tree --write-tree`
NETWORK_TIMEOUT = 20.0

AUTH_HELP = [
    "To push over SSH:",
    "  1. ssh-keygen -t ed25519 -C you@example.com",
    "  2. add ~/.ssh/id_ed25519.pub to your account on the git host (SSH keys settings)",
    "  3. ssh -T git@<host>   (should greet you by name)",
    "  4. git remote set-url <remote> git@<host>:<owner>/<repo>.git",
    "To push over HTTPS with a token:",
    "  1. create a personal access token with write access to the repository",
    "  2. git config --global credential.helper store   (or cache, or your OS keychain)",
    "  3. git push once and paste the token as the password",
]


@dataclass
class Check:
    """One line of the report."""

    name: str
    ok: bool
    detail: str
    fix: str = ""
    help: list[str] = field(default_factory=list)


def run_checks(cwd: Path) -> list[Check]:
    """Run every check that can run; later checks are skipped when the repository is missing."""
    checks = [_git_version()]
    try:
        project = open_project(cwd)
    except GitorchError as error:
        checks.append(Check("repository and config", False, str(error),
                            "fix the error above, then run gitorch doctor again"))
        return checks
    checks.append(Check("repository", True, str(project.paths.main_worktree)))
    for probe in (_main_branch, _git_locks, _roadmap, _hook, _agent, _gate, _sandbox, _remote):
        checks.extend(probe(project))
    return checks


def _git_version() -> Check:
    found = git.version()
    shown = ".".join(map(str, found))
    if found < MIN_GIT:
        return Check("git", False, f"git {shown} is older than 2.38",
                     "install git 2.38 or newer")
    return Check("git", True, f"git {shown}")


def _main_branch(project: Project) -> list[Check]:
    if git.resolve(project.paths, project.main_branch) is None:
        return [Check("main branch", False, f"{project.main_branch} has no commits",
                      f"commit something to {project.main_branch}, or set main_branch")]
    return [Check("main branch", True, project.main_branch)]


def _git_locks(project: Project) -> list[Check]:
    repo = project.paths.main_worktree
    stale = locks.stale_locks(project.paths.common_dir)
    if not stale:
        return [Check("git locks", True, "no stale lock file in refs/, packed-refs or index")]
    return [Check("git locks", False, f"{lock.path} is stale ({lock.age:.0f} s old, no git "
                  "runs in the repository): every ref update fails on it",
                  f"make sure no git runs in {repo}, then rm {lock.path}") for lock in stale]


def _roadmap(project: Project) -> list[Check]:
    try:
        loaded = load_roadmap(project)
    except GitorchError as error:
        return [Check("roadmap", False, str(error), "fix the roadmap and commit it")]
    current = loaded.roadmap.current_group()
    where = "every group done" if current is None else f"current group {current.id}"
    checks = [Check("roadmap", True, f"{project.config.roadmap}: "
                    f"{plural(len(loaded.roadmap.groups), 'group')}, {where}")]
    if loaded.warning:
        checks.append(Check("roadmap committed", False, loaded.warning,
                            f"git add {project.config.roadmap} && git commit"))
    return checks


def _hook(project: Project) -> list[Check]:
    hooks = git.hooks_dir(project.paths)
    installed = hooks / HOOK
    if not (is_ours(installed) and os.access(installed, os.X_OK)):
        return [Check("hook", False, f"no gitorch post-commit hook in {hooks}",
                      "gitorch init")]
    return [Check("hook", True, str(installed))]


def _agent(project: Project) -> list[Check]:
    """Each phase's agent, as start checks it: on PATH, allowed to run here, logged in."""
    problems = agent_problems(project.config, project.paths.main_worktree)
    if problems:
        return [Check("agent", False, what, fix) for what, fix in problems]
    programs = dict.fromkeys(command_template(agent_for(project.config, phase))[0]
                             for phase in project.config.phases)
    return [Check("agent", True, ", ".join(shutil.which(p) or p for p in programs))]


def _gate(project: Project) -> list[Check]:
    """land.test_command's program, found now rather than at the first land."""
    command = project.config.land.test_command
    if not command:
        return [Check("test gate", True, "none (land.test_command is not set)")]
    program = command[0]
    if "/" in program:
        # The gate runs in a checkout of main: a relative path means one in the repository.
        path = project.paths.main_worktree / Path(program).expanduser()
        found = str(path) if path.is_file() and os.access(path, os.X_OK) else None
    else:
        found = shutil.which(program)
    if found is None:
        return [Check("test gate", False, f"land.test_command: {program} is not found"
                      + ("" if "/" in program else " on PATH"),
                      f"install {program}, or fix land.test_command in gitorch.yaml")]
    return [Check("test gate", True, " ".join([found, *command[1:]]))]


def _sandbox(project: Project) -> list[Check]:
    """Whether agents and the gate run confined here (DESIGN §14), and if not, why not."""
    if project.config.sandbox.mode == "off":
        return [Check("sandbox", True, "off (sandbox: off): agents and the gate run "
                      "unconfined; credentials are still kept from their environment")]
    found = availability()
    if found.bwrap is None:
        return [Check("sandbox", False, f"none: {found.why_not}, so agents and the gate run "
                      "unconfined", found.fix)]
    return [Check("sandbox", True, f"bubblewrap ({found.bwrap}): agents and the gate may "
                  "write their own worktree and refs only")]


def _remote(project: Project) -> list[Check]:
    remote = project.config.remote
    if remote is None:
        return [Check("remote", True, "none configured (no fetch, no push)")]
    url = network.remote_url(project.paths, remote)
    if url is None:
        return [Check("remote", False, f"this repository has no remote named {remote}",
                      f"git remote add {remote} <url>, or set `remote: null`")]
    named = f"{remote} ({url})"
    reach = _network(lambda: network.ls_remote(project.paths, remote, NETWORK_TIMEOUT))
    if reach is not None:
        return [Check("remote reachable", False, f"{named}: {reach}",
                      "check the URL and your network", _auth_help(reach))]
    checks = [Check("remote reachable", True, named)]
    push = _network(lambda: network.push_dry_run(project.paths, remote,
                                             f"{project.main_branch}:refs/gitorch/doctor",
                                             NETWORK_TIMEOUT))
    if push is not None:
        checks.append(Check("push rights", False, f"{named}: {push}",
                            "get write access to the repository", _auth_help(push)))
    else:
        # A dry run never reaches the server's hooks: they may still refuse a real push.
        checks.append(Check("push rights", True, f"{named} accepts a dry-run push of "
                            "refs/gitorch/* (its hooks run only on a real push)"))
    return checks


def _network(call: Callable[[], Completed]) -> str | None:
    """None if call succeeded, else the last line git said."""
    try:
        done = call()
    except GitorchError as error:
        return str(error)
    if done.returncode == 0:
        return None
    return network.push_failure(done.stdout, done.stderr, done.returncode)


def _auth_help(reason: str) -> list[str]:
    words = ("permission", "denied", "auth", "credential", "403", "401", "publickey")
    return AUTH_HELP if any(word in reason.lower() for word in words) else []
