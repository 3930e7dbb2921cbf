"""A push that loses a race on the server (ref locked, moved under it) is retried."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import git, run_gitorch, scripted_repo

# Moves the remote's main while the push is being received, once: the server then fails
# the push with "cannot lock ref ...: is at X but expected Y", as when two pushes race.
RACING_HOOK = """#!/bin/sh
cat > /dev/null
[ -e raced ] && exit 0
touch raced
unset GIT_QUARANTINE_PATH GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES
theirs=$(git commit-tree -p main -m "Pushed by someone else" "main^{tree}")
git update-ref refs/heads/main "$theirs"
"""


def test_land_retries_when_its_push_loses_a_race_on_the_server(tmp_path: Path) -> None:
    roadmap = "# Plan\n\n## Group A: Work\n\n### Track 1: Only\nput a.txt alpha\n"
    repo = scripted_repo(tmp_path, roadmap)
    run_gitorch(repo, "start", "--wait", check=True)
    hook = tmp_path / "remote.git" / "hooks" / "pre-receive"
    hook.write_text(RACING_HOOK)
    hook.chmod(0o755)

    done = run_gitorch(repo, "land", "--json")

    assert done.returncode == 0, done.stderr + done.stdout
    result = json.loads(done.stdout)
    assert result["landed"] == ["A/1"] and result["attempts"] == 2
    log = git(tmp_path / "remote.git", "log", "--format=%s", "main").splitlines()
    assert log[:3] == ["Mark A/1 done in ROADMAP.md", "A/1: scripted work",
                       "Pushed by someone else"]
