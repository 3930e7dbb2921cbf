"""A runner's own git processes: a few a track, none of them repeated phase after phase."""

from __future__ import annotations

import os
import shutil
from collections import Counter
from pathlib import Path

from helpers import agent_repo, run_gitorch, wait_ended


def test_a_runner_asks_git_a_few_times_a_track_not_a_few_times_a_phase(
        tmp_path: Path) -> None:
    repo = agent_repo(tmp_path / "repo")
    run_gitorch(repo, "init", check=True)  # the post-commit hook, as users have it
    shim, asked = tmp_path / "shim", tmp_path / "asked"
    shim.mkdir()
    (shim / "git").write_text(f'#!/bin/sh\nprintf "%s\\t%s\\n" "$PPID" "$*" >> {asked}\n'
                              f'exec {shutil.which("git")} "$@"\n')
    (shim / "git").chmod(0o755)
    run_gitorch(repo, "start", "-t", "A/1", "--wait", check=True,
                env={"PATH": f"{shim}:{os.environ['PATH']}"})
    record = wait_ended(repo, "A/1")
    assert record["state"] == "done" and record["tip"]
    lines = [line.split("\t", 1) for line in asked.read_text().splitlines()]
    runner = Counter(" ".join(args.split()[:2]) for pid, args in lines
                     if pid == str(record["pid"]))
    # The worktree, and at the end one status that finds nothing uncommitted (the wip ref
    # mirrors the branch already), over three phases. Refs are read from their files, the
    # agent's commit (which the hook reported) from its loose object; the repository and
    # the roadmap at the base are as the forking start found them; the agents' identity is
    # in the environment already.
    assert sum(runner.values()) <= 2, runner
    assert not any(args.startswith(("for-each-ref", "rev-parse --verify"))
                   for args in runner), runner
