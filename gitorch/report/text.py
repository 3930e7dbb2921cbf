"""The report for a terminal: totals, a timeline in characters, a table per track."""

from __future__ import annotations

import time

from gitorch.output import safe_text, table
from gitorch.report.model import Bar, Report, TrackRow

WIDTH = 64  # columns of the character timeline
FILL = {"done": "=", "failed": "!", "stopped": "-", "killed": "~", "running": ">",
        "rate-limited": "%"}


def seconds(value: float) -> str:
    """A duration, compact: 0.4s, 12.5s, 3m05s, 2h04m."""
    if value < 60:
        return f"{value:.1f}s"
    minutes, rest = divmod(round(value), 60)
    if minutes < 60:
        return f"{minutes}m{rest:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def render(report: Report) -> list[str]:
    """The whole report as lines."""
    when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(report.start))
    until = time.strftime("%H:%M:%S", time.localtime(report.end))
    state = "still going" if report.live else "ended"
    lines = [f"Run {when} -> {until} ({seconds(report.totals.wall)}, {state})", ""]
    lines += totals_lines(report)
    if report.bars:
        lines += ["", "Timeline (a row per slot; [id===] a track, ! failed, ~ killed, "
                  "> running, % rate-limited; ^ landing+push, ' landing)"]
        lines += timeline_lines(report)
        lines += ["", "Tracks"]
        lines += table([["track", "state", "time", "attempts", "repairs", "commits",
                         "tokens", "cost", "phases"]]
                       + [_row(row) for row in report.tracks])
    else:
        lines += ["", "No track ran in this window."]
    idle: dict[str, float] = {}
    for gap in report.gaps:
        idle[gap.reason] = idle.get(gap.reason, 0.0) + gap.end - gap.start
    if idle:
        lines += ["", "Idle slot time, by reason"]
        lines += table([[seconds(took), reason] for reason, took in
                        sorted(idle.items(), key=lambda item: -item[1])])
    return lines


def totals_lines(report: Report) -> list[str]:
    t = report.totals
    return [f"  tracks {t.tracks} · wall {seconds(t.wall)} · track time {seconds(t.track_time)}"
            f" · {t.speedup:.2f}x against one after another",
            f"  {t.slots} slots, {t.utilisation:.0%} busy · {t.landings} landings · "
            f"{t.pushes} pushes"]


def timeline_lines(report: Report) -> list[str]:
    span = max(report.end - report.start, 1e-9)

    def cell(moment: float) -> int:
        return min(WIDTH - 1, max(0, int((moment - report.start) / span * WIDTH)))

    rows = [[" "] * WIDTH for _ in range(report.slots)]
    for gap in report.gaps:
        for i in range(cell(gap.start), cell(gap.end) + 1):
            rows[gap.lane][i] = "·"
    for bar in sorted(report.bars, key=lambda b: b.start):
        first, last = cell(bar.start), cell(bar.end)
        for i, char in enumerate(_bar_text(bar, last - first + 1)):
            rows[bar.lane][first + i] = char
    marks = [" "] * WIDTH
    for mark in report.marks:
        if mark.kind == "landing" and marks[cell(mark.time)] != "^":
            marks[cell(mark.time)] = "'"
        elif mark.kind == "push":
            marks[cell(mark.time)] = "^"
    lines = [f"  slot {lane + 1:<3}|{''.join(row)}|" for lane, row in enumerate(rows)]
    lines.append(f"  {'land':<8}|{''.join(marks)}|")
    lines.append(f"  {'':<8}0{seconds(span):>{WIDTH}}")
    return lines


def _bar_text(bar: Bar, cells: int) -> str:
    fill = FILL.get(bar.outcome, "=")
    if cells < 3:
        return (bar.track[:1] + fill)[:cells]
    return ("[" + (bar.track + fill * cells)[:cells - 2] + "]")


def _row(row: TrackRow) -> list[str]:
    tokens = sum(v for k, v in row.usage.items() if "token" in k)
    cost = sum(v for k, v in row.usage.items() if "cost" in k)
    phases = " ".join(f"{name} {seconds(took)}" for name, took in row.phases.items())
    return [row.track, row.state, seconds(row.time), str(row.attempts), str(row.repairs),
            "-" if row.commits is None else str(row.commits), f"{tokens:,.0f}" if tokens else "-",
            f"${cost:.2f}" if cost else "-", safe_text(phases)]
