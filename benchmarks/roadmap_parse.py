"""Case roadmap: how long reading a plan and writing a done mark back take, in every form.

Usage: python -m benchmarks --case roadmap

In process (no git, no files): a 1 MB plan in each form gitorch reads (benchmarks/plans.py:
the seed's tracks, a checklist, Spec Kit, GSD, OpenSpec, Kiro, status tables, Task Master's
tasks.json, beads' issues.jsonl), each read with parse() and written back with mark_done()
for its first open track; 10,000 Spec Kit checklist items under one heading; and the largest
fixture in tests/fixtures/roadmaps. Timed in CPU seconds of this process (time.process_time):
the work is one process's own, and a shared machine's other load does not count against it.
Budgets (DESIGN §11 and §16): every form read in under 1 s at 1 MB, write-back no slower than
the read; 10,000 items in under 2 s.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from benchmarks.common import CaseResult, Check, Ratio, Row, interleaved, ratio
from benchmarks.plans import FORMS
from gitorch.roadmap.reader import parse
from gitorch.roadmap.writeback import mark_done

FIXTURES = Path(__file__).parents[1] / "tests" / "fixtures" / "roadmaps"
ITEMS_BUDGET_S = 2.0
FORM_BUDGET_S = 1.0
# Write-back reads the plan and edits a line: within this much of the read is "no slower".
WRITE_SLACK = 1.15


def ten_thousand_items() -> str:
    return "# Tasks\n\n## Phase 1: Everything\n\n" + "".join(
        f"- [ ] T{n:05} [P] Task number {n} in src/part_{n}.py\n" for n in range(1, 10001))


def largest_fixture() -> tuple[str, str]:
    path = max(FIXTURES.glob("*.md"), key=lambda p: p.stat().st_size)
    return path.name, path.read_text(encoding="utf-8")


def _cpu(action: Callable[[], object], runs: int) -> list[float]:
    return [_once(action)() for _ in range(runs)]


def _once(action: Callable[[], object]) -> Callable[[], float]:
    """A way that runs action once and gives the CPU seconds it took."""
    def way() -> float:
        began = time.process_time()
        action()
        return time.process_time() - began
    return way


def run_case(folder: Path, quick: bool) -> CaseResult:
    runs = 2 if quick else 5
    plans = {label: (name, make()) for label, (name, make) in FORMS.items()}
    result = CaseResult("roadmap", "reading a plan and writing it back",
                        f"CPU seconds in process, median of {runs} rounds after a warm-up, "
                        "read and write-back taking turns; 1 MB plans: "
                        + ", ".join(f"{label} {len(text.encode()) / 1000:.0f} kB"
                                    for label, (_, text) in plans.items()))
    every_track = True
    for label, (name, text) in plans.items():
        roadmap = parse(text, name)
        first_open = [t.id for t in roadmap.tracks() if not t.done][:1]
        every_track = every_track and bool(first_open)
        # Read and write-back take turns, so that drift in the machine's load falls on both.
        samples = interleaved(runs, {"read": _once(partial(parse, text, name)),
                                     "write": _once(partial(mark_done, text, first_open, name))})
        read = Row(f"{label}: read, {len(roadmap.groups)} groups, {len(roadmap.tracks())} "
                   "tracks", samples["read"])
        write = Row(f"{label}: write-back", samples["write"])
        result.rows += [read, write]
        result.ratios.append(Ratio(f"{label}: read, ms (budget {FORM_BUDGET_S * 1000:.0f})",
                                   read.median * 1000, ("<=", FORM_BUDGET_S * 1000), unit="ms"))
        result.ratios.append(ratio(f"{label}: write-back / read", write, read,
                                   ("<=", WRITE_SLACK)))
    name, fixture = largest_fixture()
    items = Row("10,000 checklist items: read", _cpu(lambda: parse(ten_thousand_items()), runs))
    result.rows += [items, Row(f"largest fixture ({name}): read",
                               _cpu(lambda: parse(fixture), runs))]
    result.ratios.append(Ratio(f"10,000 items, ms (budget {ITEMS_BUDGET_S * 1000:.0f})",
                               items.median * 1000, ("<=", ITEMS_BUDGET_S * 1000), unit="ms"))
    result.checks.append(Check("every plan has an open track to write back", every_track))
    result.checks.append(Check("10,000 items read as 10,000 tracks",
                               len(parse(ten_thousand_items()).tracks()) == 10000))
    return result
