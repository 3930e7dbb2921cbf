"""A record read twice from an unchanged file: each caller gets one of its own."""

from __future__ import annotations

from pathlib import Path

from helpers import agent_repo, run_gitorch

from gitorch.names import TrackId
from gitorch.project import open_project
from gitorch.tracks.records import TrackRecord


def test_changing_a_record_read_does_not_change_the_next_read(tmp_path: Path) -> None:
    repo = agent_repo(tmp_path / "repo")
    run_gitorch(repo, "start", "--track", "A/1", "--wait", check=True)
    project = open_project(repo)
    first = TrackRecord.load(project, TrackId.parse("A/1"))
    assert first is not None
    first.sessions["work"] = "changed in memory"
    first.pr_rounds.append({"round": 9})
    first.usage["work"] = {"input": 1}
    again = TrackRecord.load(project, TrackId.parse("A/1"))
    assert again is not None
    assert "work" not in again.sessions and again.pr_rounds == [] and again.usage == {}
