"""Repositories whose tracks run tests/sandbox/agents/act.sh, honest or hostile by body."""

from __future__ import annotations

from pathlib import Path

from helpers import git, make_repo, run_gitorch

AGENTS = Path(__file__).parent / "agents"
ACTS = ("other_worktree", "main_worktree", "commit_main", "push", "fsmonitor", "hooks",
        "other_branch", "background", "pointer")
ROADMAP = "# Plan\n\n## Group A: Trust\n\n### Track 1: Honest\nact: none\n" + "".join(
    f"\n### Track {number}: {act}\nact: {act}\n" for number, act in enumerate(ACTS, 2))


def hostile_repo(tmp_path: Path, sandbox: str, roadmap: str = ROADMAP,
                 extra: str = "") -> Path:
    """A repository with a bare remote whose tracks run tests/sandbox/agents/act.sh."""
    config = (f"max_parallel: 10\nagent:\n  command: [{AGENTS / 'act.sh'}]\n  timeout: 60s\n"
              f"sandbox: {sandbox}\n" + extra)
    repo = make_repo(tmp_path / "repo", roadmap, {"gitorch.yaml": config})
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(tmp_path / "remote.git"))
    git(repo, "remote", "add", "origin", str(tmp_path / "remote.git"))
    git(repo, "push", "-q", "origin", "main")
    run_gitorch(repo, "init", check=True)
    return repo


def tip(repo: Path, ref: str) -> str:
    """The commit ref points at."""
    return git(repo, "rev-parse", ref).strip()
