"""Reading a run back by hand: a report page's elements, the records, reflogs, runs.log."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path
from typing import Any

from helpers import git, read_json_file


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""


@dataclass
class Page(HTMLParser):
    """Every element of a page, in document order, with its attributes and own text."""

    elements: list[Element] = field(default_factory=list)

    def __post_init__(self) -> None:
        HTMLParser.__init__(self)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data: str) -> None:
        if self.elements:
            self.elements[-1].text += data

    def having(self, tag: str, cls: str) -> list[Element]:
        return [e for e in self.elements if e.tag == tag
                and cls in e.attrs.get("class", "").split()]


def read_page(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def bars(page: Page) -> list[tuple[str, int, float, float, str]]:
    """(track, lane, start, end, outcome) of every bar on the page."""
    return [(e.attrs["data-track"], int(e.attrs["data-lane"]), float(e.attrs["data-start"]),
             float(e.attrs["data-end"]), e.attrs["data-outcome"])
            for e in page.having("g", "bar")]


def totals(page: Page) -> dict[str, float]:
    return {e.attrs["data-key"]: float(e.attrs["data-value"]) for e in page.elements
            if e.tag == "td" and "data-key" in e.attrs}


def overlaps(found: list[tuple[str, int, float, float, str]]) -> list[str]:
    """Pairs of bars one lane holds at the same instant."""
    clashes = []
    for lane in {b[1] for b in found}:
        own = sorted((b for b in found if b[1] == lane), key=lambda b: b[2])
        clashes += [f"{a[0]} and {b[0]} on lane {lane}" for a, b in pairwise(own)
                    if a[3] > b[2]]
    return clashes


def state(repo: Path) -> Path:
    return repo / ".git" / "gitorch"


def records(repo: Path) -> dict[str, dict[str, Any]]:
    found = (read_json_file(p) for p in sorted((state(repo) / "tracks").glob("*.json")))
    return {str(r["track"]): r for r in found}


def pushes_by_gitorch(repo: Path) -> int:
    """Pushes of main git recorded after the first (the one that made the remote)."""
    log = git(repo, "reflog", "show", "--format=%gs", "refs/remotes/origin/main")
    return sum(line.startswith("update by push") for line in log.splitlines()) - 1


def run_seconds(repo: Path) -> float:
    """From the `run start` line to the `run end` line of runs.log, read by hand."""
    lines = (state(repo) / "runs.log").read_text().splitlines()
    times = [datetime.strptime(line.split()[0], "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()
             for line in lines if line.split()[1] == "run"
             and line.split()[2] in ("start", "end")]
    return times[-1] - times[0]
