"""Shared claims: several clones of one remote never run a track twice."""

from __future__ import annotations

import json
import os
import signal
import time
from collections import Counter
from pathlib import Path

import pytest
from helpers import AGENTS, git, make_repo, race_starts, run_gitorch, wait_ended

ROUNDS = int(os.environ.get("GITORCH_REMOTE_ROUNDS", "10"))

SIX_TRACKS = "# Plan\n\n## Group A: Six\n\n" + "".join(
    f"### Track {n}: Part {n}\nDo part {n}.\n\n" for n in range(1, 7))


def shared_setup(tmp_path: Path, clones: int, config_extra: str = "") -> list[Path]:
    """A bare remote holding the roadmap and config, and `clones` clones of it."""
    config = (f"agent:\n  command: [{AGENTS / 'worker.sh'}]\n  timeout: 60s\n"
              "phases:\n  - {name: work, prompt: go}\n"
              f"claims:\n  remote: true\n{config_extra}")
    seed = make_repo(tmp_path / "seed", SIX_TRACKS,
                     {"gitorch.yaml": config, ".gitignore": "uncommitted-*\n"})
    remote = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(seed), str(remote))
    paths = []
    for n in range(clones):
        clone = tmp_path / f"clone{n}"
        git(tmp_path, "clone", "-q", str(remote), str(clone))
        paths.append(clone)
    return paths


def test_three_clones_racing_run_each_track_once_then_land_linear(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for round_number in range(ROUNDS):
        folder = tmp_path / f"round{round_number}"
        folder.mkdir()
        clones = shared_setup(folder, 3)
        runs = folder / "runs.txt"
        monkeypatch.setenv("AGENT_RUNS", str(runs))
        race_starts(clones, parallel=4)
        ran_by: dict[str, Path] = {}
        deadline = time.monotonic() + 60
        while len(ran_by) < 6:
            assert time.monotonic() < deadline, f"only {sorted(ran_by)} ran"
            for clone in clones:
                for record in (clone / ".git" / "gitorch" / "tracks").glob("*.json"):
                    document = json.loads(record.read_text())
                    if document.get("ended_at"):
                        assert document["state"] == "done"
                        assert ran_by.setdefault(document["track"], clone) == clone
            time.sleep(0.1)
        assert Counter(runs.read_text().splitlines()) == Counter(
            {f"A/{n} work": 1 for n in range(1, 7)})
        if round_number == 0:
            for clone in clones:
                run_gitorch(clone, "land", check=True)
            remote = folder / "remote.git"
            assert git(remote, "rev-list", "--merges", "main") == ""
            files = git(remote, "ls-tree", "--name-only", "main").split()
            assert {f"track-A-{n}.txt" for n in range(1, 7)} <= set(files)
            assert git(remote, "for-each-ref", "refs/gitorch") == ""


def test_expired_claim_is_taken_over_by_exactly_one_and_live_ones_never(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clones = shared_setup(tmp_path, 3, "  heartbeat: 1s\n  expire: 3s\n")
    runs = tmp_path / "runs.txt"
    monkeypatch.setenv("AGENT_RUNS", str(runs))
    owner = clones[0]
    run_gitorch(owner, "start", "-t", "A/1", "-t", "A/2", env={"AGENT_SLEEP": "30"},
                check=True)
    records = owner / ".git" / "gitorch" / "tracks"
    deadline = time.monotonic() + 30
    while not all(json.loads((records / f"group_A_track_{n}.json").read_text()).get(
            "agent_pgid") for n in (1, 2)):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    first = json.loads((records / "group_A_track_1.json").read_text())
    os.kill(first["pid"], signal.SIGKILL)
    os.killpg(first["agent_pgid"], signal.SIGKILL)
    time.sleep(4.5)  # A/1's claim expires; A/2's runner keeps beating
    live = run_gitorch(clones[1], "start", "-t", "A/2", check=True)
    assert "Skipped A/2: claimed" in live.stdout
    race_starts(clones[1:], track_ids=["A/1"])
    winners = [c for c in clones[1:]
               if (c / ".git" / "gitorch" / "tracks" / "group_A_track_1.json").exists()]
    assert len(winners) == 1
    assert wait_ended(winners[0], "A/1")["state"] == "done"
    assert Counter(runs.read_text().splitlines())["A/1 work"] == 2
    assert Counter(runs.read_text().splitlines())["A/2 work"] == 1
    run_gitorch(owner, "stop", "--all", check=True)


def test_status_shows_other_hosts_claims(tmp_path: Path) -> None:
    clones = shared_setup(tmp_path, 2)
    run_gitorch(clones[0], "start", "-t", "A/3", env={"AGENT_SLEEP": "30"}, check=True)
    document = json.loads(run_gitorch(clones[1], "status", "--json", check=True).stdout)
    tracks = {t["id"]: t for t in document["tracks"]}
    assert tracks["A/3"]["state"] == "claimed"
    remote_claims = [c for c in document["claims"] if c["remote"]]
    assert [c["track"] for c in remote_claims] == ["A/3"]
    assert remote_claims[0]["age"] < 30
    offline = json.loads(run_gitorch(clones[1], "status", "--json", "--no-fetch",
                                     check=True).stdout)
    assert [c["track"] for c in offline["claims"]] == ["A/3"]
    refused = run_gitorch(clones[1], "release", "A/3")
    assert refused.returncode == 1
    assert "is claimed by" in refused.stderr and "--force" in refused.stderr
    run_gitorch(clones[0], "release", "--stop", "A/3", check=True)
    assert git(tmp_path / "remote.git", "for-each-ref", "refs/gitorch") == ""
