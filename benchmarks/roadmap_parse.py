"""Case roadmap: how long reading a plan takes, in every form, up to 1 MB and 10,000 items.

Usage: python -m benchmarks --case roadmap

Parses in process (no git, no files): 10,000 Spec Kit checklist items under one heading;
a 1 MB plan in the seed's form (120 groups of 10 tracks with long bodies and
dependencies); a 1 MB Spec Kit tasks.md; a 1 MB GSD ROADMAP.md; and the largest fixture
in tests/fixtures/roadmaps. Budget (issue: plans people write): 10,000 items in under 2 s.
"""

from __future__ import annotations

import time
from pathlib import Path

from benchmarks.common import CaseResult, Check, Ratio, Row
from gitorch.roadmap.reader import parse

FIXTURES = Path(__file__).parents[1] / "tests" / "fixtures" / "roadmaps"
BUDGET_S = 2.0
MB = 1_000_000


def ten_thousand_items() -> str:
    return "# Tasks\n\n## Phase 1: Everything\n\n" + "".join(
        f"- [ ] T{n:05} [P] Task number {n} in src/part_{n}.py\n" for n in range(1, 10001))


def seed_megabyte() -> str:
    body = "Implement the part of the system this track is named after. " * 15 + "\n"
    return "".join(
        f"## Group G{g}: Group number {g}\n\n" + "".join(
            f"### Track {t}: Track {t} of group {g}\n{body}"
            + (f"Depends on: Track {t - 4}\n" if t > 4 else "") for t in range(1, 11))
        for g in range(120))


def speckit_megabyte() -> str:
    parts, n, phase = ["# Tasks: big\n\n"], 0, 0
    while sum(map(len, parts)) < MB:
        phase += 1
        parts.append(f"## Phase {phase}: Part {phase}\n\n")
        for _ in range(40):
            n += 1
            tag = "[P] " if n % 5 else ""
            parts.append(f"- [ ] T{n:05} {tag}[US{phase}] Build piece {n} in src/p{n}.py, "
                         f"keeping the public interface of module {n} as it is\n")
    return "".join(parts)


def gsd_megabyte() -> str:
    summary: list[str] = []
    details: list[str] = []
    phase = 0
    while sum(map(len, details)) < MB:
        phase += 1
        summary.append(f"- [ ] **Phase {phase}: Part {phase}** - the part numbered {phase}\n")
        plans = "".join(f"- [ ] {phase:02}-{p:02}-PLAN.md — plan {p} of phase {phase}\n"
                        for p in range(1, 6))
        details.append(f"### Phase {phase}: Part {phase}\n**Goal**: {'Deliver it. ' * 40}\n"
                       f"**Depends on**: Phase {max(1, phase - 1)}\n**Plans**: 5 plans\n\n"
                       f"Plans:\n{plans}\n")
    if details:
        details[0] = details[0].replace("**Depends on**: Phase 1", "**Depends on**: Nothing")
    return ("# Roadmap: big\n\n## Phases\n\n" + "".join(summary) + "\n## Phase Details\n\n"
            + "".join(details))


def largest_fixture() -> tuple[str, str]:
    path = max(FIXTURES.glob("*.md"), key=lambda p: p.stat().st_size)
    return path.name, path.read_text(encoding="utf-8")


def run_case(folder: Path, quick: bool) -> CaseResult:
    runs = 2 if quick else 5
    name, fixture = largest_fixture()
    plans = {"10,000 checklist items": ten_thousand_items(),
             "1 MB seed form": seed_megabyte(), "1 MB Spec Kit": speckit_megabyte(),
             "1 MB GSD": gsd_megabyte(), f"largest fixture ({name})": fixture}
    result = CaseResult("roadmap", "reading a plan",
                        f"parse() in process, median of {runs} runs per plan; sizes: "
                        + ", ".join(f"{k} {len(v.encode()) / 1000:.0f} kB"
                                    for k, v in plans.items()))
    for label, text in plans.items():
        samples, tracks = [], 0
        for _ in range(runs):
            began = time.perf_counter()
            tracks = len(parse(text).tracks())
            samples.append(time.perf_counter() - began)
        result.rows.append(Row(f"{label}: {tracks} tracks", samples))
    items = result.rows[0]
    result.ratios.append(Ratio(f"10,000 items, ms (budget {BUDGET_S * 1000:.0f})",
                               items.median * 1000, ("<=", BUDGET_S * 1000), unit="ms"))
    result.checks.append(Check("every plan read every track",
                               items.name.endswith(": 10000 tracks")))
    return result
