"""Pull requests on GitHub through the `gh` command line, when it is installed.

The only module that runs gh: opening a pull request, and following one (DESIGN §19):
its state, checks and reviews, a failed job's log, a review's line comments, a comment.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
    said = _gh(project, ["pr", "view", url, "--json", "state", "--jq", ".state"])
    return not isinstance(said, Problem) and said.strip() == "MERGED"


# What `follow` asks of a pull request in one call: enough to know what to do next.
VIEW_FIELDS = "state,headRefOid,reviewDecision,statusCheckRollup,reviews,comments"
# The pull request's number, and its repository, in the URL gh printed when it opened it.
_PR_URL = re.compile(r"^https?://(?P<host>[^/]+)/(?P<repo>[\w.-]+/[\w.-]+)/pull/(?P<n>\d+)/?$")


@dataclass(frozen=True)
class Problem:
    """Why gh gave no answer, in one line."""

    text: str


def view(project: Project, url: str) -> dict[str, Any] | Problem:
    """`gh pr view --json` of the pull request: its state, head, checks and reviews."""
    seen: dict[str, Any] | Problem = _document(
        _gh(project, ["pr", "view", url, "--json", VIEW_FIELDS]), dict)
    return seen


def review_comments(project: Project, url: str) -> list[dict[str, Any]] | Problem:
    """The pull request's line comments (path, line, body, and the review each is part of)."""
    return _rest(project, url, "comments?per_page=100")


def rest_reviews(project: Project, url: str) -> list[dict[str, Any]] | Problem:
    """The pull request's reviews as the REST API numbers them (its line comments use it)."""
    return _rest(project, url, "reviews?per_page=100")


def failed_log(project: Project, url: str, run_id: str, job_id: str | None) -> str | Problem:
    """`gh run view --log-failed`: the log of a workflow run's failed steps (or one job's)."""
    found = _PR_URL.match(url)
    where = ["--repo", _repo_of(found)] if found else []
    job = ["--job", job_id] if job_id else []
    return _gh(project, ["run", "view", run_id, *job, "--log-failed", *where])


def comment(project: Project, url: str, body: str) -> Problem | None:
    """Post a comment on the pull request; None once it is there."""
    said = _gh(project, ["pr", "comment", url, "--body-file", "-"], body)
    return said if isinstance(said, Problem) else None


def _rest(project: Project, url: str, what: str) -> list[dict[str, Any]] | Problem:
    found = _PR_URL.match(url)
    if found is None:
        return Problem(f"{url} is not a GitHub pull request's address")
    host = [] if found["host"] == "github.com" else ["--hostname", found["host"]]
    path = f"repos/{found['repo']}/pulls/{found['n']}/{what}"
    listed: list[dict[str, Any]] | Problem = _document(_gh(project, ["api", *host, path]), list)
    if isinstance(listed, list) and not all(isinstance(item, dict) for item in listed):
        return Problem(f"gh api {path} gave something other than a list of objects")
    return listed


def _repo_of(found: re.Match[str]) -> str:
    return found["repo"] if found["host"] == "github.com" else f"{found['host']}/{found['repo']}"


def _document(said: str | Problem, kind: type[Any]) -> Any:
    """gh's JSON output, or a Problem when it is not JSON of that kind."""
    if isinstance(said, Problem):
        return said
    try:
        document = json.loads(said)
    except ValueError:
        return Problem(f"gh gave no JSON: {said.strip()[:80] or 'nothing'}")
    return document if isinstance(document, kind) else Problem(f"gh gave no {kind.__name__}")


def _gh(project: Project, args: list[str], body: str | None = None) -> str | Problem:
    """gh's stdout, or a Problem saying why it gave none (not installed, exit, timeout)."""
    if shutil.which("gh") is None:
        return Problem("gh is not installed")
    try:
        done = run(["gh", *args], project.paths.main_worktree, check=False, input=body,
                   timeout=project.config.remote_timeout)
    except GitorchError as error:
        return Problem(str(error))
    if done.returncode != 0:
        said = (done.stderr.strip() or done.stdout.strip()).splitlines()
        return Problem(f"gh {' '.join(args[:2])} exited {done.returncode}: "
                       f"{said[-1] if said else 'no output'}")
    return done.stdout


def by_hand(repo: str | None, base: str, branch: str, title: str, body: Path) -> str:
    """How a person opens the pull request the branch was pushed for."""
    if repo is None:
        return f"open a pull request from {branch} into {base} on your git host ({body})"
    command = [*create_args(repo, base, branch, title)[:-1], str(body)]
    return "open its pull request with: " + shlex.join(command)
