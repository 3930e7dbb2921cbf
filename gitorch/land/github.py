"""Pull requests on GitHub through the `gh` command line, when it is installed."""

from __future__ import annotations

import os
import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

from gitorch.errors import GitorchError
from gitorch.git import network
from gitorch.process import run
from gitorch.project import Project

# https://host/owner/repo(.git), ssh://git@host/owner/repo(.git), git@host:owner/repo(.git)
_URL = re.compile(r"^(?:[a-z+]+://(?:[^@/]+@)?(?P<host>[^/:]+)(?::\d+)?/"
                  r"|(?:[^@/]+@)?(?P<scp>[^/:]+):)(?P<owner>[\w.-]+)/(?P<name>[\w.-]+?)"
                  r"(?:\.git)?/?$")


@dataclass(frozen=True)
class Opened:
    """What asking gh for a pull request gave: its URL, or why there is none."""

    url: str | None
    problem: str | None = None


def repository(project: Project, remote: str) -> str | None:
    """`owner/name` when the remote is on GitHub (or on GH_HOST), else None."""
    url = network.configured_url(project.paths, remote)
    found = _URL.match(url or "")
    if found is None:
        return None
    host = (found["host"] or found["scp"]).lower()
    hosts = {"github.com", "www.github.com", os.environ.get("GH_HOST", "github.com").lower()}
    if host not in hosts:
        return None
    owner_name = f"{found['owner']}/{found['name']}"
    return owner_name if host.endswith("github.com") else f"{host}/{owner_name}"


def create_args(repo: str | None, base: str, branch: str, title: str) -> list[str]:
    """`gh pr create` for branch into base, the body read from stdin."""
    where = ["--repo", repo] if repo else []
    return ["gh", "pr", "create", *where, "--base", base, "--head", branch, "--title", title,
            "--body-file", "-"]


def open_pull_request(project: Project, repo: str, base: str, branch: str, title: str,
                      body: str) -> Opened:
    """Open the pull request with gh; its URL, or what went wrong in one line."""
    if shutil.which("gh") is None:
        return Opened(None, "gh is not installed")
    try:
        done = run(create_args(repo, base, branch, title), project.paths.main_worktree,
                   check=False, input=body, timeout=project.config.remote_timeout)
    except GitorchError as error:
        return Opened(None, str(error))
    urls = [w for w in done.stdout.split() if w.startswith(("https://", "http://"))]
    if done.returncode != 0 or not urls:
        said = (done.stderr.strip() or done.stdout.strip()).splitlines()
        return Opened(None, f"gh pr create exited {done.returncode}: "
                            f"{said[-1] if said else 'no output'}")
    return Opened(urls[-1])


def is_merged(project: Project, url: str) -> bool:
    """Whether GitHub says the pull request was merged (as a squash or rebase merge may be)."""
    if shutil.which("gh") is None:
        return False
    try:
        done = run(["gh", "pr", "view", url, "--json", "state", "--jq", ".state"],
                   project.paths.main_worktree, check=False,
                   timeout=project.config.remote_timeout)
    except GitorchError:
        return False
    return done.returncode == 0 and done.stdout.strip() == "MERGED"


def by_hand(repo: str | None, base: str, branch: str, title: str, body: Path) -> str:
    """How a person opens the pull request the branch was pushed for."""
    if repo is None:
        return f"open a pull request from {branch} into {base} on your git host ({body})"
    command = [*create_args(repo, base, branch, title)[:-1], str(body)]
    return "open its pull request with: " + shlex.join(command)
