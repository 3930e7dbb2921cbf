"""The report as one self-contained HTML page: an inline SVG timeline, then the tables.

Nothing is fetched: no scripts, fonts or images beyond the page itself. Every bar, phase,
gap and mark carries data-* attributes with its times, so the page can be checked (and
scripted) without reading pixels.
"""

from __future__ import annotations

import math
import time
import zlib
from collections.abc import Callable
from html import escape

from gitorch.report.model import Bar, Report, TrackRow
from gitorch.report.text import seconds

WIDTH = 1160  # the axis, in px
LEFT = 64  # lane labels
LANE = 26
TOP = 34  # the axis and the push marks above the lanes
PHASE_COLOURS = {"work": "#4c78a8", "review": "#72b7b2", "commit": "#54a24b",
                 "resolve": "#b279a2", "fix": "#e69f00"}
SPARE = ("#9d755d", "#eeca3b", "#79706e", "#bab0ac", "#ff9da6", "#17becf")
Scale = Callable[[float], float]  # a moment to its x on the axis
OUTCOME = {"failed": "#d62728", "stopped": "#8c8c8c", "killed": "#7b1113",
           "rate-limited": "#f2b134"}

STYLE = """
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#222}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}
.sub{color:#666;margin:0 0 12px}
table{border-collapse:collapse}td,th{padding:3px 10px;border-bottom:1px solid #e4e4e4;
text-align:left;vertical-align:top}th{background:#f4f4f4}td.n{text-align:right}
#totals td:first-child{color:#555}
.legend span{display:inline-block;margin-right:14px}
.legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px}
svg text{font:11px system-ui,sans-serif}
svg .label{fill:#14212e;font-weight:600;paint-order:stroke;stroke:#fff;stroke-width:3px;
pointer-events:none}
svg .why{fill:#777;font-size:10px;pointer-events:none}
svg .lane-label{fill:#444}svg .tick{fill:#666}
.state-failed,.state-conflict,.state-gate-failed,.state-stale{color:#b00}
.state-landed,.state-done{color:#176317}
"""


def phase_colour(name: str) -> str:
    """A phase's colour: fixed for the usual phases, stable for any other name."""
    return PHASE_COLOURS.get(name) or SPARE[zlib.crc32(name.encode()) % len(SPARE)]


def render(report: Report) -> str:
    """The whole page."""
    when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(report.start))
    state = "still going" if report.live else "ended"
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             f"<title>gitorch report {escape(when)}</title>", f"<style>{STYLE}</style>",
             "</head><body>", "<h1>gitorch report</h1>",
             f'<p class="sub" id="window" data-start="{escape(when)}" data-live='
             f'"{str(report.live).lower()}">Run of {escape(when)}, '
             f"{escape(seconds(report.totals.wall))}, {state}</p>",
             _legend(report), svg(report), "<h2>Totals</h2>", _totals(report),
             "<h2>Tracks</h2>", _tracks(report.tracks), "</body></html>"]
    return "\n".join(parts) + "\n"


def _legend(report: Report) -> str:
    names = list(dict.fromkeys(p.name for b in report.bars for p in b.phases))
    items = [(phase_colour(n), n) for n in names] + [(c, o) for o, c in OUTCOME.items()]
    spans = "".join(f'<span><i style="background:{c}"></i>{escape(n)}</span>'
                    for c, n in items)
    hatch = "repeating-linear-gradient(45deg,#f2f2f2 0 3px,#d0d0d0 3px 5px)"
    return (f'<p class="legend">{spans}<span><i style="background:{hatch}"></i>idle</span>'
            "<span>▲ landing and push · △ landing · ✗ conflict or red gate</span></p>")


def svg(report: Report) -> str:
    """The timeline: a lane per slot, bars split into phases, gaps, marks, an axis."""
    span = max(report.end - report.start, 1e-9)
    height = TOP + report.slots * LANE + 8

    def x(moment: float) -> float:
        return round(LEFT + (moment - report.start) / span * WIDTH, 2)

    out = [f'<svg id="timeline" xmlns="http://www.w3.org/2000/svg" width="{LEFT + WIDTH + 16}"'
           f' height="{height}" data-lanes="{report.slots}" data-span="{span:.3f}">',
           '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
           'patternTransform="rotate(45)"><rect width="6" height="6" fill="#f2f2f2"/>'
           '<line x1="0" y1="0" x2="0" y2="6" stroke="#d0d0d0" stroke-width="2"/>'
           '</pattern></defs>']
    out += _axis(report, span, x, height)
    for lane in range(report.slots):
        y = TOP + lane * LANE
        out.append(f'<text class="lane-label" x="4" y="{y + 16}">slot {lane + 1}</text>')
    for gap in report.gaps:
        y, w = TOP + gap.lane * LANE + 3, max(x(gap.end) - x(gap.start), 0.5)
        out.append(f'<rect class="gap" data-lane="{gap.lane}" data-start='
                   f'"{report.offset(gap.start)}" data-end="{report.offset(gap.end)}" '
                   f'data-reason="{escape(gap.reason)}" x="{x(gap.start)}" y="{y}" '
                   f'width="{w:.2f}" height="{LANE - 6}" fill="url(#hatch)">'
                   f"<title>idle {escape(seconds(gap.end - gap.start))}: "
                   f"{escape(gap.reason)}</title></rect>")
        if w >= 6 * len(gap.reason) + 8:  # said on the lane where it fits, else on hover
            out.append(f'<text class="why" x="{x(gap.start) + 4}" y="{y + 14}">'
                       f"{escape(gap.reason)}</text>")
    out += [_bar(report, bar, x) for bar in report.bars]
    out += _marks(report, x, height)
    out.append("</svg>")
    return "\n".join(out)


def _axis(report: Report, span: float, x: Scale, height: int) -> list[str]:
    step = _tick(span)
    out = [f'<line x1="{LEFT}" y1="{TOP - 2}" x2="{LEFT + WIDTH}" y2="{TOP - 2}" '
           'stroke="#999"/>']
    for i in range(int(span // step) + 1):
        at = x(report.start + i * step)
        out.append(f'<line x1="{at}" y1="{TOP - 6}" x2="{at}" y2="{height - 6}" '
                   'stroke="#eee"/>'
                   f'<text class="tick" x="{at}" y="{TOP - 10}" text-anchor="middle">'
                   f"{escape(seconds(i * step))}</text>")
    return out


def _tick(span: float) -> float:
    """A round step that puts between 5 and 12 ticks on the axis."""
    raw = span / 8
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for unit in (1, 2, 5, 10):
        if raw <= unit * magnitude:
            return float(unit * magnitude)
    return float(10 * magnitude)


def _bar(report: Report, bar: Bar, x: Scale) -> str:
    y = TOP + bar.lane * LANE + 3
    left, right = x(bar.start), x(bar.end)
    fill = OUTCOME.get(bar.outcome, "#c8d3e0")
    tip = (f"{bar.track}: {bar.outcome}, {seconds(bar.duration)}"
           + (f" ({bar.reason})" if bar.reason else ""))
    out = [f'<g class="bar" data-track="{escape(bar.track)}" data-lane="{bar.lane}" '
           f'data-start="{report.offset(bar.start)}" data-end="{report.offset(bar.end)}" '
           f'data-outcome="{escape(bar.outcome)}"><title>{escape(tip)}</title>',
           f'<rect x="{left}" y="{y}" width="{max(right - left, 1.0):.2f}" '
           f'height="{LANE - 6}" fill="{fill}" opacity="0.45"/>']
    for phase in bar.phases:
        colour = OUTCOME.get(phase.outcome) or phase_colour(phase.name)
        dash = ' stroke="#333" stroke-dasharray="3 2"' if phase.outcome == "running" else ""
        out.append(f'<rect class="phase" data-phase="{escape(phase.name)}" data-outcome='
                   f'"{escape(phase.outcome)}" x="{x(phase.start)}" y="{y}" width='
                   f'"{max(x(phase.end) - x(phase.start), 0.5):.2f}" height="{LANE - 6}" '
                   f'fill="{colour}"{dash}><title>{escape(bar.track)} {escape(phase.name)}: '
                   f"{escape(phase.outcome)}, {escape(seconds(phase.duration))}</title></rect>")
    if right - left >= 8 * len(bar.track) + 6:
        out.append(f'<text class="label" x="{left + 4}" y="{y + 14}">'
                   f"{escape(bar.track)}</text>")
    out.append("</g>")
    return "".join(out)


def _marks(report: Report, x: Scale, height: int) -> list[str]:
    out = []
    pushed = {(m.time, m.tracks) for m in report.marks if m.kind == "push"}
    lane_of = {}
    for bar in sorted(report.bars, key=lambda b: b.start):
        lane_of[bar.track] = bar.lane
    for mark in report.marks:
        at, tracks = x(mark.time), escape(", ".join(mark.tracks))
        data = (f'data-kind="{mark.kind}" data-time="{report.offset(mark.time)}" '
                f'data-tracks="{tracks}"')
        if mark.kind == "landing":
            glyph = "▲" if (mark.time, mark.tracks) in pushed else "△"
            out.append(f'<g class="mark" {data}><title>landed {tracks} as '
                       f'{escape(mark.label)}</title><line x1="{at}" y1="{TOP - 2}" x2="{at}"'
                       f' y2="{height - 6}" stroke="#2c7a2c" stroke-width="1.5"/>'
                       f'<text x="{at}" y="{TOP + 1}" text-anchor="middle" fill="#2c7a2c">'
                       f"{glyph}</text></g>")
        elif mark.kind == "push":
            out.append(f'<g class="mark" {data}><title>pushed {escape(mark.label)}</title>'
                       "</g>")
        else:
            y = TOP + lane_of.get(mark.tracks[0], 0) * LANE + 17
            out.append(f'<g class="mark" {data}><title>{escape(mark.kind)}: {tracks} '
                       f'{escape(mark.label)}</title><text x="{at}" y="{y}" '
                       f'text-anchor="middle" fill="#b00" font-weight="bold">✗</text></g>')
    return out


def _totals(report: Report) -> str:
    t = report.totals
    rows = [("wall", "wall time", seconds(t.wall), f"{t.wall:.3f}"),
            ("track_time", "sum of track times", seconds(t.track_time),
             f"{t.track_time:.3f}"),
            ("speedup", "speed-up against one after another", f"{t.speedup:.2f}x",
             f"{t.speedup:.3f}"),
            ("slots", "slots", str(t.slots), str(t.slots)),
            ("utilisation", "slot utilisation", f"{t.utilisation:.0%}",
             f"{t.utilisation:.4f}"),
            ("tracks", "tracks", str(t.tracks), str(t.tracks)),
            ("landings", "landings", str(t.landings), str(t.landings)),
            ("pushes", "pushes", str(t.pushes), str(t.pushes))]
    body = "".join(f'<tr><td>{label}</td><td class="n" data-key="{key}" data-value="{raw}">'
                   f"{escape(shown)}</td></tr>" for key, label, shown, raw in rows)
    return f'<table id="totals">{body}</table>'


def _tracks(rows: list[TrackRow]) -> str:
    head = ("<tr><th>track</th><th>title</th><th>state</th><th>time</th><th>phases</th>"
            "<th>commits</th><th>attempts</th><th>repairs</th><th>tokens</th><th>cost</th>"
            "</tr>")
    body = []
    for row in rows:
        tokens = sum(v for k, v in row.usage.items() if "token" in k)
        cost = sum(v for k, v in row.usage.items() if "cost" in k)
        phases = ", ".join(f"{escape(n)} {escape(seconds(s))}" for n, s in row.phases.items())
        body.append(
            f'<tr data-track="{escape(row.track)}" data-time="{row.time:.3f}">'
            f"<td>{escape(row.track)}</td><td>{escape(row.title)}</td>"
            f'<td class="state-{escape(row.state)}">{escape(row.state)}</td>'
            f'<td class="n">{escape(seconds(row.time))}</td><td>{phases}</td>'
            f'<td class="n">{"-" if row.commits is None else row.commits}</td>'
            f'<td class="n">{row.attempts}</td>'
            f'<td class="n">{row.repairs}</td>'
            f'<td class="n">{f"{tokens:,.0f}" if tokens else "-"}</td>'
            f'<td class="n">{f"${cost:.2f}" if cost else "-"}</td></tr>')
    return f'<table id="tracks">{head}{"".join(body)}</table>'
