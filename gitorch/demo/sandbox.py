"""The demo: the whole cycle on a throwaway repository with a simulated agent.

A temporary folder gets a repository, a bare remote, a sample roadmap and a gitorch.yaml
whose agent is `python -m gitorch.demo.agent` (no network, no API key). The `run`
scheduler then drives the roadmap to the end in this process: start, land, push, next
group. Every commit the demo makes carries gitorch's own identity, so no git identity and
no home folder settings are needed; and HOME points into the demo folder while it runs,
so the user's own git and gitorch settings (a signing key, another agent) stay out of it.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from gitorch import git
from gitorch.git import network
from gitorch.project import load_roadmap, open_project
from gitorch.schedule.daemon import RunSettings, run
from gitorch.schedule.run_types import Summary
from gitorch.schedule.stopping import stop
from gitorch.setup import install

DEMO_ROADMAP = resources.files("gitorch").joinpath("resources/demo-roadmap.md")
SLOTS = 4
EVERY = "5s"


@dataclass(frozen=True)
class DemoResult:
    """Where the demo ran and how its run ended."""

    folder: Path
    repo: Path
    summary: Summary


def demo_config(gate: bool = True) -> str:
    """gitorch.yaml for the demo: the simulated agent, its test gate, a short tick."""
    agent = [sys.executable, "-m", "gitorch.demo.agent", "{track}", "{phase}"]
    check = [sys.executable, "-m", "gitorch.demo.agent", "--check"]
    # JSON lists are YAML flow sequences; they quote any path safely.
    return (f"remote: origin\nmax_parallel: {SLOTS}\n"
            f"agent:\n  command: {json.dumps(agent)}\n  timeout: 1m\n"
            + (f"land:\n  test_command: {json.dumps(check)}\n" if gate else "")
            + f"run:\n  every: {EVERY}\n  retries: 1\n")


def make_repository(folder: Path, roadmap: str | None = None, config: str | None = None
                    ) -> Path:
    """The demo project and its bare remote, the roadmap pushed; returns the project."""
    remote, repo = folder / "harbour.git", folder / "harbour"
    git.init_repository(remote, "main", bare=True)
    git.init_repository(repo, "main")
    (repo / "ROADMAP.md").write_text(roadmap or DEMO_ROADMAP.read_text(encoding="utf-8"),
                                     encoding="utf-8")
    (repo / "gitorch.yaml").write_text(config or demo_config(), encoding="utf-8")
    (repo / "harbour").mkdir()
    (repo / "harbour" / "__init__.py").write_text('"""Harbour."""\n', encoding="utf-8")
    git.commit_all(repo, "Start the harbour project")
    git.git(["remote", "add", "origin", str(remote)], repo)
    paths = git.discover(repo)
    head = git.resolve(paths, "main")
    assert head is not None
    outcome = network.push_atomic(paths, "origin", [("refs/heads/main", head, None)], 60.0)
    if not outcome.ok:
        raise RuntimeError(f"the demo could not push to its own remote: {outcome.message}")
    install.init(repo)  # the post-commit hook, so status shows commits as they happen
    return repo


def describe(repo: Path) -> list[str]:
    """What the demo is about to do, in a few lines."""
    roadmap = load_roadmap(open_project(repo)).roadmap
    todo = [g for g in roadmap.groups if not g.done]
    tracks = sum(len(g.tracks) for g in todo)
    return [f"gitorch demo: {len(todo)} of the roadmap's {len(roadmap.groups)} groups to do, "
            f"{tracks} tracks, {SLOTS} slots, "
            f"a simulated agent (no network, no API key), a tick every {EVERY}",
            f"  repository: {repo}  (remote: {repo.parent / 'harbour.git'})", ""]


@contextmanager
def own_home(home: Path) -> Iterator[None]:
    """HOME (and so git's and gitorch's user settings) in home, for us and our children."""
    home.mkdir(parents=True, exist_ok=True)
    names = ("HOME", "XDG_CONFIG_HOME", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM")
    before = {name: os.environ.get(name) for name in names}
    os.environ.update({"HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1"})
    os.environ.pop("XDG_CONFIG_HOME", None)
    os.environ.pop("GIT_CONFIG_GLOBAL", None)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def demo(clean: bool, out: Callable[[str], None]) -> DemoResult:
    """Make the demo repository and run the scheduler through its roadmap."""
    folder = Path(tempfile.mkdtemp(prefix="gitorch-demo-"))
    try:
        with own_home(folder / ".home"):
            return _demo(folder, out)
    finally:
        if clean:
            shutil.rmtree(folder, ignore_errors=True)


def _demo(folder: Path, out: Callable[[str], None]) -> DemoResult:
    repo = make_repository(folder)
    for line in describe(repo):
        out(line)
    summary = run(open_project(repo, {"run.every": EVERY}), RunSettings(every=EVERY), out)
    if summary.running:
        for line in stop(open_project(repo), [], True):  # Ctrl-C: the demo's runners end with it
            out(line)
    return DemoResult(folder, repo, summary)
