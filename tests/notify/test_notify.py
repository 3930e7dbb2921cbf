"""Notifications (DESIGN §17): the sinks, `notify --test`, and the events of real runs."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from helpers import AGENTS, run_gitorch, scripted_repo, wait_delivered
from webhooks import silent_webhook, webhook

sys.path.insert(0, str(Path(__file__).parents[1] / "tracks"))
from test_agent_cli import fake_env, preset_repo, run_track

GATE = ("land:\n  repair: false\n  test_command: [sh, -c, 'if grep -rl BAD --include=*.txt .; "
        "then echo red gate; exit 1; fi']\n")
ROADMAP = """# Plan

## Group A: First

### Track 1: Alone
put a.txt one

## Group B: Second

### Track 1: Writer
put b.txt one

### Track 2: Other writer
put b.txt two

### Track 3: Breaker
put c.txt BAD
"""


def sinks_config(*sinks: str) -> str:
    return "notify:\n" + "".join(f"  - {sink}\n" for sink in sinks)


def test_notify_test_says_what_each_sink_answered(tmp_path: Path) -> None:
    with webhook(200) as (good, received), webhook(500) as (bad, _), silent_webhook() as mute:
        repo = scripted_repo(tmp_path, ROADMAP, remote=False, extra_config=sinks_config(
            f"{{webhook: '{good}'}}", f"{{webhook: '{bad}'}}",
            f"{{webhook: '{mute}', timeout: 1s}}",
            f"{{command: [sh, -c, 'cat > {tmp_path}/got.json; echo taken']}}",
            "{command: [sh, -c, 'echo no room >&2; exit 4']}"))
        done = run_gitorch(repo, "notify", "--test")
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        f"✓ webhook {good}: HTTP 200 ok",
        f"✗ webhook {bad}: HTTP 500 internal error (mock)",
        f"✗ webhook {mute}: no answer within 1s",
        "✓ command sh: exit 0: taken",
        "✗ command sh: sh exited 4: no room"]
    assert received[0]["event"] == "test"
    assert received[0]["text"] == "gitorch (repo): a test event from gitorch notify --test"
    assert json.loads((tmp_path / "got.json").read_text())["event"] == "test"


def test_a_bad_sink_is_a_config_error_naming_the_line(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, ROADMAP, remote=False, extra_config=sinks_config(
        "{webhook: 'https://ntfy.sh/x', on: [landed, track-dne]}"))
    done = run_gitorch(repo, "status")
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "Error: gitorch.yaml:6: notify[0].on[1]: unknown event 'track-dne': did you mean "
        "track-done?")


def test_a_run_tells_its_events_and_failing_sinks_neither_slow_nor_stop_it(
        tmp_path: Path) -> None:
    with webhook(200) as (url, received), webhook(500) as (bad, _), silent_webhook() as mute:
        repo = scripted_repo(tmp_path, ROADMAP, extra_config=GATE + sinks_config(
            f"{{webhook: '{url}'}}", f"{{webhook: '{bad}', on: [landed]}}",
            f"{{webhook: '{mute}', timeout: 1s, on: [run-ended]}}"))
        started = time.monotonic()
        done = run_gitorch(repo, "run", "--every", "0.3s", "--parallel", "3", timeout=120)
        took = time.monotonic() - started
        wait_delivered(repo)
    assert done.returncode == 1, done.stdout + done.stderr
    kinds = [event["event"] for event in received]
    assert sorted(set(kinds)) == ["conflict", "gate-failed", "group-done", "landed", "run-ended",
                                  "stuck", "track-done"]
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for event in received:
        by_kind.setdefault(event["event"], []).append(event)
    assert sorted(e["track"] for e in by_kind["track-done"]) == ["A/1", "B/1", "B/2", "B/3"]
    assert [e["group"] for e in by_kind["group-done"]] == ["A"]
    conflicted = by_kind["conflict"][0]["track"]  # whichever of the two landed second
    assert conflicted in ("B/1", "B/2")
    assert by_kind["conflict"][0]["paths"] == ["b.txt"]
    assert by_kind["gate-failed"][0]["track"] == "B/3"
    assert sorted(e["track"] for e in by_kind["stuck"]) == [conflicted, "B/3"]
    assert by_kind["run-ended"][0]["exit_code"] == 1  # each event is delivered on its own
    assert by_kind["landed"][0]["text"].startswith("gitorch (repo): landed A/1 on main")
    runs_log = (repo / ".git/gitorch/runs.log").read_text()
    assert f"notify landed to webhook {bad} failed: HTTP 500" in runs_log
    assert f"notify run-ended to webhook {mute} failed: no answer within 1s" in runs_log
    assert took < 60  # the silent sink's two timeouts are the deliverer's, not the run's


@pytest.mark.parametrize(("mode", "event"), [("limit", "rate-limited"),
                                             ("nokey", "needs-login")])
def test_usage_limit_and_login_are_told(tmp_path: Path, mode: str, event: str) -> None:
    events = tmp_path / "events.jsonl"
    repo = preset_repo(tmp_path, "claude", "phases: [{name: work}]\n" + sinks_config(
        f"{{command: [sh, -c, 'cat >> {events}; echo >> {events}'], on: [{event}]}}"))
    run_track(repo, fake_env(tmp_path, all=mode))
    wait_delivered(repo)
    told = [json.loads(line) for line in events.read_text().splitlines()]
    assert [e["event"] for e in told] == [event]
    assert told[0]["track"] == "A/1" and told[0]["agent"] == "claude"
    assert str(AGENTS) not in told[0]["text"]


def test_a_failed_track_is_told_with_why(tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    repo = scripted_repo(tmp_path, "# Plan\n\n## Group A: Work\n\n### Track 1: Broken\nfail\n",
                         remote=False, extra_config=sinks_config(
                             f"{{command: [sh, -c, 'cat >> {events}; echo >> {events}']}}"))
    run_gitorch(repo, "start", "--wait")
    wait_delivered(repo)
    told = [json.loads(line) for line in events.read_text().splitlines()]
    assert [(e["event"], e["track"], e["state"]) for e in told] == [
        ("track-failed", "A/1", "failed")]
    assert told[0]["text"] == f"gitorch (repo): A/1 Broken failed: {told[0]['reason']}"
    assert told[0]["reason"].startswith("phase work exited 3")
