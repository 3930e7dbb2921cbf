"""`gitorch report` on real runs: the demo's, one with failures and a conflict, a live one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from helpers import run_gitorch, scripted_repo
from reading import bars, overlaps, pushes_by_gitorch, read_page, records, run_seconds, totals

from gitorch.demo.sandbox import demo_config, make_repository
from gitorch.report.lanes import assign_lanes
from gitorch.report.model import Bar
from gitorch.report.sources import LogEvent, TrackLogFacts, usage
from gitorch.report.timeline import outside_runs


def test_demo_report_as_json_matches_the_records(demo_repo: Path) -> None:
    document = json.loads(run_gitorch(demo_repo, "report", "--json", check=True).stdout)
    recorded = records(demo_repo)
    assert sorted(b["track"] for b in document["bars"]) == sorted(recorded)  # one run each
    assert {t["id"]: t["state"] for t in document["tracks"]} == {
        t: r["state"] for t, r in recorded.items()}
    assert all(t["attempts"] == recorded[t["id"]]["attempts"] for t in document["tracks"])
    assert all(t["commits"] == 1 for t in document["tracks"])  # the hook's events
    totals_ = document["totals"]
    assert totals_["pushes"] == pushes_by_gitorch(demo_repo) == totals_["landings"]
    assert totals_["wall"] == pytest.approx(run_seconds(demo_repo), abs=0.01)
    spans = sum(b["end"] - b["start"] for b in document["bars"])
    assert totals_["track_time"] == pytest.approx(spans, abs=0.01)
    assert totals_["speedup"] > 1.2  # four slots: the demo is meant to show it
    assert document["slots"] == 4 and not document["live"]
    for bar in document["bars"]:
        assert [p["name"] for p in bar["phases"]] == ["work", "review", "commit"]
        assert all(bar["start"] <= p["start"] <= p["end"] <= bar["end"]
                   for p in bar["phases"])


def test_demo_report_as_html_draws_every_track_on_lanes_that_never_clash(
        demo_repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    done = run_gitorch(demo_repo, "report", "--html", str(out), check=True)
    assert "Wrote" in done.stdout
    html = out.read_text(encoding="utf-8")
    assert "<script" not in html and "http://" not in html.replace(
        'xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in html
    page = read_page(html)
    found = bars(page)
    assert {b[0] for b in found} == set(records(demo_repo))
    assert overlaps(found) == []
    assert {b[1] for b in found} <= set(range(4))
    shown = totals(page)
    assert shown["pushes"] == pushes_by_gitorch(demo_repo)
    assert shown["tracks"] == len(records(demo_repo))
    gaps = page.having("rect", "gap")
    assert gaps and all(g.attrs["data-reason"] for g in gaps)
    assert any("to land" in g.attrs["data-reason"] for g in gaps)
    landings = [e for e in page.having("g", "mark") if e.attrs["data-kind"] == "landing"]
    assert len(landings) == shown["landings"]


def test_demo_report_as_text(demo_repo: Path) -> None:
    out = run_gitorch(demo_repo, "report", check=True).stdout
    assert "4 slots" in out and "ended" in out
    for track in records(demo_repo):
        assert f"[{track}" in out  # a bar in the character timeline
        assert f"\n  {track} " in out  # a line in the table


def test_a_failure_and_a_repaired_conflict_are_drawn_with_their_outcome(trouble_repo: Path,
                                                               tmp_path: Path) -> None:
    repo = trouble_repo
    document = json.loads(run_gitorch(repo, "report", "--json", check=True).stdout)
    recorded = records(repo)
    failed = [b for b in document["bars"] if b["track"] == "A/2"]
    assert [b["outcome"] for b in failed] == ["failed", "failed"]  # one retry
    assert failed[0]["reason"] == "phase work exited 3"  # the whole reason, spaces and all
    assert all(b["phases"][0]["outcome"] == "failed" and b["phases"][0]["exit_code"] == 3
               for b in failed)
    rows = {t["id"]: t for t in document["tracks"]}
    assert rows["A/2"]["attempts"] == recorded["A/2"]["attempts"] == 2
    assert {t: r["state"] for t, r in rows.items()} == {
        t: r["state"] for t, r in recorded.items()}
    # The conflicting track went back to its agent (a resolve phase) and landed after all.
    assert sorted(r["state"] for r in rows.values()) == ["failed", "landed", "landed",
                                                          "landed"]
    conflicted = next(m["tracks"][0] for m in document["marks"] if m["kind"] == "conflict")
    assert rows[conflicted]["repairs"] == recorded[conflicted]["repairs"] == 1
    assert "resolve" in {p["name"] for b in document["bars"] if b["track"] == conflicted
                         for p in b["phases"]}
    assert any(g["reason"] == "retry back-off for A/2" for g in document["gaps"])
    out = tmp_path / "trouble.html"
    run_gitorch(repo, "report", "--html", str(out), check=True)
    found = bars(read_page(out.read_text()))
    assert overlaps(found) == [] and len(found) == len(document["bars"]) == 6


def test_a_live_run_then_a_killed_runner(tmp_path: Path) -> None:
    folder = tmp_path / "live"
    folder.mkdir()
    roadmap = ("# Plan\n\n## Group A: Slow\n\n### Track 1: One\nEffort: 30s\n\n"
               "### Track 2: Two\nEffort: 30s\n")
    repo = make_repository(folder, roadmap, demo_config(gate=False))
    run_gitorch(repo, "start", check=True)
    try:
        deadline = time.monotonic() + 30
        while not all(r.get("phase") == "work" for r in records(repo).values()) \
                or len(records(repo)) < 2:
            assert time.monotonic() < deadline, records(repo)
            time.sleep(0.1)
        live = json.loads(run_gitorch(repo, "report", "--json", check=True).stdout)
        assert live["live"] and [b["outcome"] for b in live["bars"]] == ["running"] * 2
        assert all(b["phases"][-1]["outcome"] == "running" for b in live["bars"])
        victim = records(repo)["A/1"]
        os.killpg(int(victim["agent_pgid"]), signal.SIGKILL)
        os.kill(int(victim["pid"]), signal.SIGKILL)
        wait_gone(int(victim["pid"]))
        after = json.loads(run_gitorch(repo, "report", "--json", check=True).stdout)
        outcome = {b["track"]: b["outcome"] for b in after["bars"]}
        assert outcome == {"A/1": "killed", "A/2": "running"}
        assert {t["id"]: t["state"] for t in after["tracks"]}["A/1"] == "stale"
    finally:
        run_gitorch(repo, "stop", "--all")


def wait_gone(pid: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        if subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True,
                          text=True).stdout.startswith("Z"):
            return  # a zombie awaiting its parent is as good as gone
        time.sleep(0.05)
    raise AssertionError(f"process {pid} did not end")


def test_recorded_slots_are_kept_and_lanes_never_hold_two_bars() -> None:
    slotted = [Bar("A/1", 0, 5, "done", slot=1), Bar("A/2", 1, 3, "done", slot=0),
               Bar("A/3", 5, 6, "done", slot=1)]
    assert assign_lanes(slotted) == 2 and [b.lane for b in slotted] == [1, 0, 1]
    clashing = [Bar("A/1", 0, 5, "done", slot=0), Bar("A/2", 1, 3, "done", slot=0)]
    assert assign_lanes(clashing) == 2 and {b.lane for b in clashing} == {0, 1}
    unslotted = [Bar(f"A/{i}", i % 7, i % 7 + 1 + i % 3, "done") for i in range(1, 40)]
    lanes = assign_lanes(unslotted)
    peak = max(sum(b.start <= t < b.end for b in unslotted) for t in range(12))
    assert lanes == peak
    found = [(b.track, b.lane, float(b.start), float(b.end), b.outcome) for b in unslotted]
    assert overlaps(found) == []


def test_since_that_is_neither_time_nor_duration_is_one_line(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, "# Plan\n\n## Group A: One\n\n### Track 1: Only\n",
                         remote=False)
    done = run_gitorch(repo, "report", "--since", "last tuesday")
    assert done.returncode == 1 and done.stderr.count("\n") == 1
    assert "--since 'last tuesday'" in done.stderr
    empty = run_gitorch(repo, "report", "--since", "1h", check=True).stdout
    assert "No track ran" in empty
    nowhere = run_gitorch(repo, "report", "--html", str(tmp_path / "no" / "page.html"))
    assert nowhere.returncode == 1 and "does not exist" in nowhere.stderr
    assert not (tmp_path / "no").exists()


def test_phases_outside_any_runner_become_a_bar_of_their_own() -> None:
    log = TrackLogFacts([LogEvent(10.0, "phase", "work"), LogEvent(20.0, "exited", "work", 0),
                         LogEvent(21.0, "ended", detail="done"),
                         LogEvent(30.0, "conflict", detail="a.txt"),
                         LogEvent(40.0, "phase", "resolve"),
                         LogEvent(45.0, "exited", "resolve", 1)])
    run = Bar("A/1", 9.0, 21.0, "done")
    extra = outside_runs("A/1", log, [run], 0.0, alive=False, now=99.0)
    assert [(b.start, b.end, b.outcome) for b in extra] == [(40.0, 45.0, "failed")]


def test_usage_is_summed_from_the_record() -> None:
    assert usage({"usage": {"input_tokens": 10, "output_tokens": 5, "cost_usd": 0.5},
                  "phases": [{"usage": {"input_tokens": 10}}]}) == {
        "input_tokens": 10, "output_tokens": 5, "cost_usd": 0.5}
    assert usage({"phases": [{"input_tokens": 3, "cost_usd": 0.25},
                             {"input_tokens": 4, "cost_usd": 0.25}], "attempts": 2}) == {
        "input_tokens": 7, "cost_usd": 0.5}
