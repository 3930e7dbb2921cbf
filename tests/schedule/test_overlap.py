"""Overlap-aware scheduling: the plan on its own, then `gitorch run` on real repositories."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from helpers import background_run, read_json_file, run_gitorch, scripted_repo

from gitorch.schedule.snapshot import Snapshot, plan_overlaps
from gitorch.tracks.records import TrackRecord


def snapshot(busy: Sequence[str] = (), stale: Sequence[str] = (), done: Sequence[str] = ()
             ) -> Snapshot:
    records = {t: TrackRecord(t, "running", "b", "w") for t in [*busy, *stale]}
    records.update({t: TrackRecord(t, "done", "b", "w") for t in done})
    return Snapshot(records, frozenset(busy), frozenset(stale))


PRINTS = {"A/1": frozenset({"core/registry.py"}), "A/2": frozenset({"core/registry.py"}),
          "A/3": frozenset({"docs/a.md"}), "A/4": frozenset()}


def test_prefer_starts_what_overlaps_nothing_and_holds_the_rest() -> None:
    plan = plan_overlaps(["A/2", "A/3"], 1, PRINTS, snapshot(busy=["A/1"]), [], "prefer")
    assert plan.start == ["A/3"]
    assert plan.held == {"A/2": ("A/1", ("core/registry.py",))}
    assert plan.steered and not plan.forced
    assert plan.notes(landing=False) == [
        "… Track A/2 waits: it overlaps A/1 in core/registry.py"]


def test_prefer_runs_an_overlapping_track_when_nothing_else_can_use_the_slot() -> None:
    plan = plan_overlaps(["A/2", "A/3"], 2, PRINTS, snapshot(busy=["A/1"]), [], "prefer")
    assert plan.start == ["A/3", "A/2"]
    assert plan.forced == {"A/2": ("A/1", ("core/registry.py",))}
    assert plan.notes(landing=False)[0].startswith("! Track A/2 starts though it overlaps A/1")


def test_strict_leaves_the_slot_free_rather_than_overlap() -> None:
    plan = plan_overlaps(["A/2", "A/3"], 2, PRINTS, snapshot(busy=["A/1"]), [], "strict")
    assert plan.start == ["A/3"] and list(plan.held) == ["A/2"]


def test_two_ready_tracks_that_overlap_do_not_start_together() -> None:
    for mode in ("prefer", "strict"):
        plan = plan_overlaps(["A/1", "A/2", "A/3"], 2, PRINTS, snapshot(), [], mode)
        assert plan.start == ["A/1", "A/3"] and list(plan.held) == ["A/2"], mode


def test_strict_never_deadlocks_once_nothing_runs() -> None:
    # A/1 is done but its landing failed: A/2 would otherwise wait for ever.
    plan = plan_overlaps(["A/2"], 2, PRINTS, snapshot(done=["A/1"]), ["A/1"], "strict")
    assert plan.start == ["A/2"] and list(plan.forced) == ["A/2"]


def test_a_done_track_that_overlaps_a_running_or_waiting_one_lands_at_once() -> None:
    plan = plan_overlaps([], 0, PRINTS, snapshot(busy=["A/2"], done=["A/1"]), ["A/1"], "prefer")
    assert plan.land_now == {"A/1": ("A/2", ("core/registry.py",))}
    assert plan.notes(landing=True) == [
        "… Track A/1 lands at once: it overlaps A/2 in core/registry.py"]
    # Waiting, not running: landing first lets it start from the newer main.
    plan = plan_overlaps(["A/2"], 1, PRINTS, snapshot(done=["A/1"]), ["A/1"], "prefer")
    assert list(plan.land_now) == ["A/1"]


def test_a_resumed_track_never_waits() -> None:
    plan = plan_overlaps(["A/2"], 1, PRINTS, snapshot(busy=["A/1"], stale=["A/2"]), [],
                         "strict")
    assert plan.start == ["A/2"] and not plan.held and not plan.forced


def test_without_footprints_nothing_changes() -> None:
    plan = plan_overlaps(["A/1", "A/2", "A/3"], 2, {}, snapshot(busy=["A/4"]), [], "strict")
    assert plan.start == ["A/1", "A/2"] and not plan.steered and not plan.land_now


SAME_FILE = """# Plan

## Group A: Registry

### Track 1: Registry one
put core/registry.py one
sleep {s}

### Track 2: Registry two
put core/registry.py two
sleep {s}

### Track 3: Docs
put docs.txt docs
sleep {s}

### Track 4: Notes
put notes.txt notes
sleep {s}
"""
EFFORT = 4


def _stamp(text: object) -> float:
    return datetime.strptime(str(text), "%Y-%m-%dT%H:%M:%SZ").timestamp()


def _runs(repo: Path) -> list[str]:
    """The start and end lines of runs.log, as `start A/1` / `end A/1`, in order."""
    lines = (repo / ".git" / "gitorch" / "runs.log").read_text().splitlines()
    return [" ".join(line.split()[1:3]) for line in lines
            if line.split()[1:2] in (["start"], ["end"])]


def _same_file_run(tmp_path: Path, mode: str) -> tuple[Path, subprocess.CompletedProcess[str]]:
    repo = scripted_repo(tmp_path, SAME_FILE.format(s=EFFORT), remote=False,
                         files={"core/registry.py": "base\n"},
                         extra_config=f"max_parallel: 2\nscheduling:\n  overlap: {mode}\n")
    run_gitorch(repo, "init", check=True)
    done = run_gitorch(repo, "run", "--every", "10m", "--for", "2m", timeout=150)
    return repo, done


def test_two_tracks_naming_one_file_never_run_together(tmp_path: Path) -> None:
    repo, done = _same_file_run(tmp_path, "prefer")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Track A/2 waits: it overlaps A/1 in core/registry.py" in done.stdout
    assert "conflicts with main" not in done.stdout and "0 conflicts" in done.stdout
    runs = _runs(repo)
    assert runs.index("end A/1") < runs.index("start A/2"), runs
    records = {t: read_json_file(repo / ".git" / "gitorch" / "tracks" /
                                 f"group_A_track_{t[-1]}.json") for t in ("A/1", "A/2", "A/3",
                                                                           "A/4")}
    assert {r["state"] for r in records.values()} == {"landed"}
    # Makespan against the lower bound for this constraint: the slots' share of the work,
    # or the two registry tracks one after the other, plus the one hand-over (land, then
    # start) that the constraint needs: the shortest the run made between a track's end
    # and another's start. Times are whole seconds, hence a second or two of rounding.
    began = {t: _stamp(r["started_at"]) for t, r in records.items()}
    ended = {t: _stamp(r["ended_at"]) for t, r in records.items()}
    took = {t: ended[t] - began[t] for t in records}
    hand_over = min(began[b] - ended[a] for a in records for b in records
                    if began[b] >= ended[a])
    bound = max(sum(took.values()) / 2, took["A/1"] + took["A/2"]) + hand_over
    makespan = max(ended.values()) - min(began.values())
    assert makespan <= bound + 2, (makespan, bound, took, hand_over)


def test_without_overlap_scheduling_the_same_plan_conflicts(tmp_path: Path) -> None:
    repo, done = _same_file_run(tmp_path, "off")
    assert "conflicts with main in core/registry.py" in done.stdout, done.stdout
    runs = _runs(repo)
    assert runs.index("start A/2") < runs.index("end A/1"), runs


LIVE = """# Plan

## Group A: Shared

### Track 1: First
put shared.txt one
commit
wait {go}/one

### Track 2: Second
put shared.txt two
commit
wait {go}/two
"""


def _status(repo: Path) -> dict[str, dict[str, object]]:
    document = json.loads(run_gitorch(repo, "status", "--json", check=True).stdout)
    return {track["id"]: track for track in document["tracks"]}


def _wait(what: str, test: object, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not test():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def test_live_overlap_is_seen_after_one_commit_and_the_first_to_finish_lands_at_once(
        tmp_path: Path) -> None:
    go = tmp_path / "go"
    go.mkdir()
    repo = scripted_repo(tmp_path, LIVE.format(go=go), remote=False,
                         extra_config="max_parallel: 2\n")
    run_gitorch(repo, "init", check=True)
    with background_run(repo, "--every", "10m", "--for", "2m") as process:
        # Neither body names a file of main: both start at once, as without footprints.
        _wait("both tracks to commit", lambda: all(
            t["live_footprint"] == ["shared.txt"] and t["state"] == "running"
            for t in _status(repo).values()))
        tracks = _status(repo)
        assert tracks["A/1"]["overlaps"] == [{"track": "A/2", "paths": ["shared.txt"]}]
        assert tracks["A/2"]["overlaps"] == [{"track": "A/1", "paths": ["shared.txt"]}]
        assert tracks["A/1"]["footprint"] == []
        text = run_gitorch(repo, "status", check=True).stdout
        assert "overlaps A/2 in shared.txt" in text and "overlaps A/1 in shared.txt" in text

        (go / "one").touch()
        # The run ticks every ten minutes: only the overlap makes it land A/1 now.
        _wait("A/1 to land", lambda: _status(repo)["A/1"]["state"] == "landed")
        assert _status(repo)["A/2"]["state"] == "running"
        (go / "two").touch()
        out, _ = process.communicate(timeout=60)
    assert "Track A/1 lands at once: it overlaps A/2 in shared.txt" in out, out
