"""`gitorch logs`: the roadmap's spelling of an id, and no advice that would fail."""

from __future__ import annotations

from pathlib import Path

from helpers import agent_repo, run_gitorch


def test_logs_takes_a_lowercase_group_and_refuses_unknown_tracks(tmp_path: Path) -> None:
    repo = agent_repo(tmp_path / "repo")
    unknown = run_gitorch(repo, "logs", "Z/9")
    assert unknown.returncode == 1
    assert unknown.stderr == "Error: ROADMAP.md has no track Z/9; gitorch status lists the " \
        "tracks\n"
    not_yet = run_gitorch(repo, "logs", "a/1")
    assert not_yet.stderr.startswith("Error: track A/1 has no log yet (")
    assert not_yet.stderr.endswith("start it with gitorch start -t A/1\n")
    run_gitorch(repo, "start", "-t", "A/1", "--wait", check=True)
    lines = run_gitorch(repo, "logs", "a/1", check=True).stdout.splitlines()
    assert lines[-1].endswith(" [A/1] Track A/1 ended: done")
