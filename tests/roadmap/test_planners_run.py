"""Whole cycles on planners' plans: Task Master's tasks.json and a beads export (DESIGN §16)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.helpers import SAMPLES, git, run_gitorch
from tests.roadmap.test_plans_run import plan_repo, read_plan, run_until_done, states

PLANNERS = SAMPLES / "planners"
TASKS = ".taskmaster/tasks/tasks.json"
ISSUES = ".beads/issues.jsonl"


def test_a_task_master_plan_runs_its_current_tag_and_keeps_its_bytes(tmp_path: Path) -> None:
    text = (PLANNERS / "tasks.json").read_text(encoding="utf-8")
    repo = plan_repo(tmp_path / "repo", TASKS, text)
    (repo / ".taskmaster/state.json").write_text(
        (PLANNERS / "state.json").read_text(encoding="utf-8"), encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Work on the UI tag")
    document = read_plan(repo)
    assert (document["form"], states(document)) == (
        "taskmaster", {"feature-ui/1": "pending", "feature-ui/2": "blocked"})
    assert run_until_done(repo, 4) == [["feature-ui/1"], ["feature-ui/2"]]
    at = text.index('"feature-ui"')
    expected = text[:at] + text[at:].replace('"status": "pending"', '"status": "done"')
    assert (repo / TASKS).read_bytes() == expected.encode("utf-8")
    assert (repo / "track-feature-ui-2.txt").is_file()


def test_a_beads_export_runs_its_epics_and_bd_closes_what_landed(tmp_path: Path) -> None:
    text = (
        '{"id":"w-1","title":"Epic: Export","status":"open","issue_type":"epic"}\n'
        '{"id":"w-1.1","title":"Writer","status":"open","issue_type":"task","dependencies":'
        '[{"issue_id":"w-1.1","depends_on_id":"w-1","type":"parent-child"}]}\n'
        '{"id":"w-1.2","title":"Docs","status":"open","issue_type":"task","dependencies":'
        '[{"issue_id":"w-1.2","depends_on_id":"w-1","type":"parent-child"},'
        '{"issue_id":"w-1.2","depends_on_id":"w-1.1","type":"blocks"}]}\n')
    repo = plan_repo(tmp_path / "repo", ISSUES, text)
    assert states(read_plan(repo)) == {"w-1/w-1.1": "pending", "w-1/w-1.2": "blocked"}
    bare = {"PATH": os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep)
                                    if not (Path(p) / "bd").exists())}
    first = run_gitorch(repo, "start", "--wait", "--land", check=True, env=bare, timeout=120)
    assert ("bd is not on PATH, so gitorch cannot write back to .beads/issues.jsonl (left as "
            "it is); close the landed issues with: bd close w-1.1") in first.stdout
    assert (repo / ISSUES).read_bytes() == text.encode("utf-8")
    assert landed(repo) == {"w-1/w-1.1": "landed", "w-1/w-1.2": "pending"}
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "bd").write_text(f'#!/bin/sh\necho "$@" >> {tmp_path / "bd.log"}\n')
    (tools / "bd").chmod(0o755)
    with_bd = {"PATH": f"{tools}{os.pathsep}{bare['PATH']}"}
    run_gitorch(repo, "start", "--wait", "--land", check=True, env=with_bd, timeout=120)
    assert (tmp_path / "bd.log").read_text() == "close w-1.2\nclose w-1\n"
    assert (repo / ISSUES).read_bytes() == text.encode("utf-8")
    assert landed(repo) == {"w-1/w-1.1": "landed", "w-1/w-1.2": "landed"}
    assert states(read_plan(repo)) == {"w-1/w-1.1": "done", "w-1/w-1.2": "done"}


def landed(repo: Path) -> dict[str, str]:
    """Each track's state as `status` sees it: the export keeps no done marks of gitorch's."""
    document = json.loads(run_gitorch(repo, "status", "--json", check=True).stdout)
    return {track["id"]: track["state"] for track in document["tracks"]}
