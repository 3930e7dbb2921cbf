"""The one-line-per-track layout at several widths and heights."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from gitorch.output import plural
from gitorch.status.layout import age, columns, fit, log_message, short_path
from gitorch.status.text import Screen, render

NOW = datetime(2026, 1, 9, 12, 10, 0, tzinfo=timezone.utc)
CLOCK = NOW.astimezone().strftime("%H:%M:%S")


def track(number: int, state: str, **fields: Any) -> dict[str, Any]:
    running = state == "running"
    return {
        "id": f"E/{number}", "group": "E", "number": number,
        "title": f"Track {number} of the algorithm foundation, with a long title",
        "state": state, "phase": "work" if running else None, "pid": 100 + number,
        "alive": running, "commits": 2 if running else 0,
        "last_commit": "abc1234 Add the registry" if running else None,
        "waiting_on": [], "started_at": "2026-01-09T12:00:00Z",
        "updated_at": "2026-01-09T12:05:00Z", "reason": None, "problem": None,
        "log_tail": ["2026-01-09 12:09:58 [E/1] 2026-01-09T12:09:58Z reading src/registry.py"]
        if running else [], **fields,
    }


def document(tracks: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    return {
        "repo": "/srv/projects/a-rather-deeply/nested/checkout/of-the-weather-service",
        "roadmap": "ROADMAP.md", "main_branch": "main", "warning": None,
        "group": {"id": "E", "title": "Algorithm Foundation"},
        "groups": [{"id": "D", "title": "Data", "done": True, "state": "done"},
                   {"id": "E", "title": "Algorithm Foundation", "done": False,
                    "state": "ready"},
                   {"id": "F", "title": "Later", "done": False, "state": "blocked"}],
        "tracks": tracks, "scheduler": {"pid": 77, "alive": True},
        "agents_alive": sum(1 for t in tracks if t["alive"]), "claims": [],
        "main_worktree": "clean", "landing_interrupted": False,
        "recent_commits": [{"id": "def5678", "subject": "Land E/0"}], **fields,
    }


def screen(width: int | None, height: int | None = None) -> Screen:
    return Screen(width, height, False, NOW)


MIXED = [track(1, "running"), track(2, "running", usage={
    "input_tokens": 12000, "output_tokens": 345, "cached_tokens": 5, "cost_usd": 0.314}),
    track(3, "failed", reason="phase review exited 3"), track(4, "pending"),
    track(5, "blocked", waiting_on=["E/1", "E/2"]), track(6, "in-pr"),
    track(7, "landed"), track(8, "landed")]


@pytest.mark.parametrize("width", [40, 60, 80, 100, 120, 200])
def test_every_line_fits_and_the_clock_ends_the_header(width: int) -> None:
    lines = render(document(MIXED), screen(width))
    assert all(columns(line) <= width for line in lines), "\n".join(lines)
    assert lines[0].startswith("gitorch ") and lines[0].endswith(CLOCK)
    assert columns(lines[0]) == width
    starts = [line.split()[0] for line in lines]
    assert {f"E/{n}" for n in range(1, 7)} <= set(starts)


def test_one_line_per_track_with_what_matters() -> None:
    lines = render(document(MIXED), screen(160))
    row = {line.split()[0]: line for line in lines}
    assert row["E/1"].endswith("  reading src/registry.py")  # without either stamp
    assert "running  work" in row["E/1"] and " 10m " in row["E/1"]
    assert "12.3k" in row["E/2"] and "$0.31" in row["E/2"]
    assert row["E/3"].endswith("phase review exited 3") and "failed" in row["E/3"]
    assert row["E/4"].endswith("ready")
    assert row["E/5"].endswith("waits on E/1, E/2")
    assert "in-pr" in row["E/6"]  # a state this view does not know still shows
    assert "landed E/7 E/8" in lines
    assert "E/7" not in row
    assert lines[1] == "Groups  ✓ D  ▶ E Algorithm Foundation  · F"


def test_narrow_lines_cut_the_title_and_the_last_line_not_the_state() -> None:
    lines = render(document(MIXED), screen(60))
    row = {line.split()[0]: line for line in lines}
    assert "…" in row["E/1"] and "running" in row["E/1"]
    assert "TOKENS" not in lines[2]  # usage is the first column given up


def test_piped_output_keeps_whole_lines() -> None:
    lines = render(document(MIXED), screen(None))
    assert sum("of the algorithm foundation, with a long title  " in line
               for line in lines) == 6
    assert lines[0].endswith("  " + CLOCK) and "checkout/of-the-weather-service" in lines[0]


def test_a_short_screen_keeps_the_header_and_the_running_tracks() -> None:
    tracks = [track(n, "pending") for n in range(1, 9)] + [
        track(n, "running") for n in range(9, 13)]
    lines = render(document(tracks), screen(80, 10))
    assert len(lines) == 10
    assert lines[0].startswith("gitorch ")
    shown = [line.split()[0] for line in lines]
    assert {"E/9", "E/10", "E/11", "E/12"} <= set(shown)
    assert lines[-1] == "+6 more tracks" and len(set(shown) & {"E/1", "E/2"}) == 2


def test_notices_come_right_under_the_header() -> None:
    lines = render(document(MIXED, error="ROADMAP.md:7: a track outside any group",
                            behind={"remote": "origin", "commits": 1,
                                    "command": "git -C /srv/w pull --ff-only"}), screen(100))
    assert lines[1] == "ROADMAP.md:7: a track outside any group"
    assert lines[2] == "main is 1 commit behind origin/main: git -C /srv/w pull --ff-only"


def test_many_groups_count_the_done_ones_to_keep_the_current_in_view() -> None:
    many = document(MIXED)
    many["groups"] = [{"id": f"G{n}", "title": "Old", "done": True, "state": "done"}
                      for n in range(30)] + many["groups"]
    lines = render(many, screen(80))
    assert lines[1] == "Groups  ✓ 31 done  ▶ E Algorithm Foundation  · F"


def test_pieces() -> None:
    assert fit("abcdef", 4) == "abc…" and fit("abc", 4) == "abc" and fit("日本語", 4) == "日…"
    home = str(Path.home())
    assert short_path(home + "/code/x", 40) == "~/code/x"
    assert short_path("/a/bb/ccc/dddd/eeeee", 12) == "…/dddd/eeeee"
    assert columns(short_path("/a/" + "x" * 50, 10)) <= 10
    assert age("2026-01-09T12:09:15Z", NOW) == "45s"
    assert age("2026-01-09T09:05:00Z", NOW) == "3h05"
    assert age(None, NOW) == "" and age("yesterday", NOW) == ""
    assert log_message("2026-01-09 12:00:00 [E/3] [2026-01-09 12:00:00] did it") == "did it"
    assert log_message("2026-01-09 12:00:00 [Track 3] plain") == "plain"
    assert plural(1, "run") == "1 run" and plural(2, "push", "pushes") == "2 pushes"


@pytest.mark.parametrize("width", [50, 80])
def test_colour_paints_states_without_changing_what_fits(width: int) -> None:
    import click

    plain = render(document(MIXED), screen(width))
    painted = render(document(MIXED), Screen(width, None, True, NOW))
    assert [click.unstyle(line) for line in painted] == plain
    row = next(line for line in painted if click.unstyle(line).startswith("E/3 "))
    assert "\x1b[31m" in row and "failed \x1b[0m" in row  # red, padded inside the colour
    assert all("\x1b[" not in line for line in plain)
