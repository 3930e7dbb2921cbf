"""The status document as one screen of text: a header, the groups, one line per track."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gitorch.output import paint, plural, safe_text
from gitorch.status.layout import (
    age,
    columns,
    fit,
    log_message,
    pad,
    short_path,
    tokens,
)

GAP = "  "
UNLIMITED = 10**6
# Which tracks stay on a screen too short for all: at work or in trouble first.
_RANK = {"done": 1, "pending": 2, "blocked": 3}
# Columns given up, in this order, when the line is too narrow for title and last line.
_DROPPED_FIRST = ("cost", "tokens", "phase", "age")
_ROOM_FOR_TEXT = 24


@dataclass(frozen=True)
class Screen:
    """Where the text goes: its size (None: no limit), colour, and the time of drawing."""

    width: int | None
    height: int | None
    colour: bool
    now: datetime


def render(document: dict[str, Any], screen: Screen) -> list[str]:
    """The status document as lines that fit the screen, the header always first."""
    width = screen.width or UNLIMITED
    top = [_header(document, width, screen), *notices(document, width, screen.colour),
           _groups(document, width, screen.colour), *_phases(document, width)]
    tracks = [t for t in document["tracks"] if t["state"] != "landed"]
    table_head, rows = _table(tracks, width, screen)
    tail = [*_attention(document, width, screen.colour),
            *_landed(document["tracks"], width, screen.colour),
            *_claims(document, width),
            _main_line(document, width)]
    if document["group"] is None:
        top.append(paint("Every group is done.", "ok", screen.colour))
    lines = [*top, *([table_head, *rows] if rows else []), *tail]
    if screen.height is None or len(lines) <= screen.height:
        return lines
    while tail and len(top) + 1 + len(rows) + len(tail) > screen.height:
        tail.pop()
    room = screen.height - len(top) - len(tail) - 1
    if len(rows) > room:
        rows = _shortened(tracks, rows, room - 1, width)
    return [*top, table_head, *rows, *tail][:screen.height]


def _header(document: dict[str, Any], width: int, screen: Screen) -> str:
    clock = screen.now.astimezone().strftime("%H:%M:%S")
    scheduler = document["scheduler"]
    run = (f"scheduler pid {scheduler['pid']}" if scheduler and scheduler["alive"]
           else "no scheduler")
    agents = plural(document["agents_alive"], "agent") + " alive"
    facts = [f"{document['roadmap']} on {document['main_branch']}", run, agents]
    room = width - columns(clock) - 1 if width < UNLIMITED else UNLIMITED
    name = "gitorch "
    left = fit(name + short_path(document["repo"], max(room - len(name), 1)), room)
    for count in range(len(facts), 0, -1):  # the facts that fit, most important first
        said = " · ".join(facts[:count])
        path_room = room - len(name) - len(GAP) - columns(said)
        if path_room >= 12:
            left = name + short_path(document["repo"], path_room) + GAP + said
            break
    space = " " * (room - columns(left) + 1) if width < UNLIMITED else GAP
    return paint(left, "bold", screen.colour) + space + paint(clock, "dim", screen.colour)


def notices(document: dict[str, Any], width: int, colour: bool, warning: bool = True
            ) -> list[str]:
    """What a person must see first: roadmap error, stale git lock, warning, main behind."""
    lines = []
    for key, kind in (("error", "bad"), ("warning", "warn"))[:2 if warning else 1]:
        if document.get(key):
            lines.append(paint(fit(safe_text(document[key]), width), kind, colour))
        if key == "error":
            lines += [paint(fit(safe_text(problem), width), "bad", colour)
                      for problem in document.get("problems", [])]
    behind = document.get("behind")
    if behind:
        main, there = document["main_branch"], f"{behind['remote']}/{document['main_branch']}"
        text = (f"{main} has diverged from {there} ({plural(behind['commits'], 'commit')} "
                f"there, {behind['ahead']} here): {behind['command']}"
                if behind.get("ahead") else
                f"{main} is {plural(behind['commits'], 'commit')} behind {there}: "
                f"{behind['command']}")
        lines.append(paint(fit(text, width), "warn", colour))
    return lines


def _groups(document: dict[str, Any], width: int, colour: bool) -> str:
    current = document["group"]
    parts = []
    for group in document["groups"]:
        mark = {"done": "✓", "ready": "▶", "blocked": "·"}.get(group["state"], "?")
        if current and group["id"] == current["id"]:
            parts.append((f"▶ {group['id']} {safe_text(group['title'])}", "bold"))
        else:
            parts.append((f"{mark} {group['id']}", group["state"]))
    plain = "Groups" + "".join(GAP + text for text, _ in parts)
    done = sum(1 for group in document["groups"] if group["state"] == "done")
    if columns(plain) > width and done > 1:  # many groups: the done ones as a count
        kept = [part for part, group in zip(parts, document["groups"], strict=True)
                if group["state"] != "done"]
        parts = [(f"✓ {done} done", "done"), *kept]
        plain = "Groups" + "".join(GAP + text for text, _ in parts)
    if columns(plain) > width:
        return fit(plain, width)
    return "Groups" + "".join(GAP + paint(text, kind, colour) for text, kind in parts)


@dataclass(frozen=True)
class _Column:
    name: str
    head: str
    right: bool = False


_COLUMNS = (
    _Column("id", "TRACK"), _Column("title", "TITLE"), _Column("state", "STATE"),
    _Column("phase", "PHASE"), _Column("age", "AGE", True), _Column("commits", "COMMITS", True),
    _Column("tokens", "TOKENS", True), _Column("cost", "COST", True), _Column("last", "LAST"),
)


def _cells(track: dict[str, Any], now: datetime) -> dict[str, str]:
    usage = track.get("usage")
    usage = usage if isinstance(usage, dict) else {}
    used = sum(usage.get(k) or 0 for k in ("input_tokens", "output_tokens"))
    cost = usage.get("cost_usd")
    running = track["alive"] or track["state"] == "running"
    return {
        "id": str(track["id"]), "title": safe_text(track["title"]),
        "state": track["state"] + (UNCONFINED if _unconfined(track) else ""),
        "phase": _phase(track) if running else "",
        "age": age(track["started_at"] if running else track["updated_at"], now),
        "commits": str(track["commits"]) if track["commits"] else "",
        "tokens": tokens(used) if used else "",
        "cost": f"${cost:.2f}" if isinstance(cost, (int, float)) else "",
        "last": _last(track, running),
    }


UNCONFINED = "!"  # after the state: its last phase ran without the sandbox


def _unconfined(track: dict[str, Any]) -> bool:
    """Whether an agent of the track has run, and the last one ran without the sandbox."""
    return track.get("sandboxed") is False and track.get("started_at") is not None


def _phase(track: dict[str, Any]) -> str:
    """The phase, and which agent runs it when the document says."""
    phase, agent = safe_text(track["phase"] or ""), track.get("agent")
    return f"{phase} ({safe_text(agent)})" if phase and isinstance(agent, str) else phase


def _last(track: dict[str, Any], running: bool) -> str:
    """The one thing worth knowing about a track beyond its state (overlaps first)."""
    said = [overlap_note(overlap) for overlap in track.get("overlaps") or []]
    return "; ".join([*said, _note(track, running)] if said else [_note(track, running)])


def overlap_note(overlap: dict[str, Any]) -> str:
    """`overlaps E/2 in core/registry.py`: another running track has changed the same files."""
    paths = [safe_text(path) for path in overlap["paths"]]
    more = f" (+{len(paths) - 2})" if len(paths) > 2 else ""
    return f"overlaps {overlap['track']} in {', '.join(paths[:2])}{more}"


def _note(track: dict[str, Any], running: bool) -> str:
    request = track.get("pull_request")
    if track["problem"]:
        return f"problem: {safe_text(track['problem'])}"
    if track["waiting_on"]:
        return "waits on " + ", ".join(track["waiting_on"])
    if track["state"] == "pending":
        return "ready"
    if isinstance(request, dict) and isinstance(request.get("url"), str):
        # Its reason (a failed round, stuck) or its address, then how its checks stand.
        said = track["reason"] if track["reason"] and track["state"] != "running" else (
            request["url"])
        return " · ".join([safe_text(said), *(f"{key} {safe_text(request[key])}" for key in
                                              ("checks", "review") if request.get(key))])
    if track["reason"] and track["state"] != "running":
        return safe_text(track["reason"])
    tail = [log_message(line) for line in track.get("log_tail") or []]
    said = next((line for line in reversed(tail) if line), "")
    if running and said:
        return said
    return safe_text(track["last_commit"] or said)


def _table(tracks: list[dict[str, Any]], width: int, screen: Screen) -> tuple[str, list[str]]:
    """The column heads and one line per track, cut so that each fits width."""
    cells = [_cells(track, screen.now) for track in tracks]
    shown = [c for c in _COLUMNS if c.name in ("id", "title", "state", "last")
             or any(row[c.name] for row in cells)]
    sizes = {c.name: max([columns(c.head)] + [columns(row[c.name]) for row in cells])
             for c in shown}
    for name in _DROPPED_FIRST:
        if _room(shown, sizes, width) >= _ROOM_FOR_TEXT:
            break
        shown = [c for c in shown if c.name != name]
    room = _room(shown, sizes, width)
    sizes["title"], sizes["last"] = _split(sizes["title"], sizes["last"], room)
    head = GAP.join(pad(c.head, sizes[c.name], c.right) for c in shown).rstrip()
    lines = []
    for track, row in zip(tracks, cells, strict=True):
        parts = [(pad(fit(row[c.name], sizes[c.name]), sizes[c.name], c.right),
                  track["state"] if c.name == "state" else "dim" if c.name == "last" else "")
                 for c in shown]
        while parts and not parts[-1][0].strip():
            parts.pop()  # no trailing blanks, painted or not
        if parts:
            parts[-1] = (parts[-1][0].rstrip(), parts[-1][1])
        lines.append(GAP.join(paint(text, kind, screen.colour) if kind else text
                              for text, kind in parts))
    return paint(fit(head, width), "dim", screen.colour), lines


def _room(shown: list[_Column], sizes: dict[str, int], width: int) -> int:
    """Columns left for the title and the last line."""
    fixed = sum(sizes[c.name] for c in shown if c.name not in ("title", "last"))
    return width - fixed - len(GAP) * (len(shown) - 1)


def _split(title: int, last: int, room: int) -> tuple[int, int]:
    """Share room between the title and the last line, the title taking at most half."""
    if room <= 1:
        return max(room, 0), 0
    if title + last <= room:
        return title, last  # no more: the last column is never padded past its text
    share = min(title, max(room // 2, room - last, min(title, 8)))
    return share, room - share


def _shortened(tracks: list[dict[str, Any]], rows: list[str], room: int, width: int
               ) -> list[str]:
    """As many rows as room allows, those at work first, then `+N more tracks`."""
    order = sorted(range(len(tracks)), key=lambda i: (_RANK.get(tracks[i]["state"], 0), i))
    kept = sorted(order[:max(room, 0)])
    hidden = len(tracks) - len(kept)
    return [rows[i] for i in kept] + [fit(f"+{plural(hidden, 'more track')}", width)]


def _phases(document: dict[str, Any], width: int) -> list[str]:
    """The phases and their agents, when more than one agent shares the work."""
    phases = document.get("phases") or []
    if len({phase["agent"] for phase in phases}) < 2:
        return []
    return [fit("Phases: " + " → ".join(f"{p['name']} ({safe_text(p['agent'])})"
                                        for p in phases), width)]


def _attention(document: dict[str, Any], width: int, colour: bool) -> list[str]:
    if not document["landing_interrupted"]:
        return []
    return [paint(fit("A landing was interrupted; gitorch land finishes it.", width), "warn",
                  colour)]


def _landed(tracks: list[dict[str, Any]], width: int, colour: bool) -> list[str]:
    """Landed tracks, one line per group."""
    by_group: dict[str, list[str]] = {}
    for track in tracks:
        if track["state"] == "landed":
            by_group.setdefault(track["group"], []).append(str(track["id"]))
    return [paint("landed", "landed", colour) + " " + fit(" ".join(ids), width - 7)
            for ids in by_group.values()]


def _claims(document: dict[str, Any], width: int) -> list[str]:
    """Claims that no track line explains: another machine's, or damaged ones."""
    lines = []
    for claim in document["claims"]:
        if claim["damaged"]:
            lines.append(f"{claim['track']}  claim: damaged claim commit")
        elif claim["remote"]:
            beat = claim["age"]
            since = f", heartbeat {beat:.0f}s ago" if beat is not None else ""
            lines.append(f"{claim['track']}  claimed on {claim['host'] or '?'}{since}")
    return [fit(line, width) for line in lines]


def _main_line(document: dict[str, Any], width: int) -> str:
    recent = document["recent_commits"]
    last = f" · {recent[0]['id']} {safe_text(recent[0]['subject'])}" if recent else ""
    return fit(f"{document['main_branch']}: {document['main_worktree']}{last}", width)
