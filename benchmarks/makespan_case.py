"""Case makespan: the suite's hook for benchmarks/makespan.py, which measures on its own.

makespan.py (8 tracks of uneven length with dependencies, 4 slots: `gitorch run` against
the lower bound and the seed's fixed batches) is called through its entry point,
`main(runs, scale)`; the figures are read from the lines it prints, one per run.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import re
from pathlib import Path

from benchmarks.common import CaseResult, Row, ratio

RUN_LINE = re.compile(r"run \d+: scheduler ([\d.]+)s, bound ([\d.]+)s .*batches ([\d.]+)s")


def run_case(folder: Path, quick: bool) -> CaseResult:
    runs, scale = (1, 0.4) if quick else (3, 1.0)
    result = CaseResult("makespan", "makespan of gitorch run, 8 tracks, 4 slots",
                        f"benchmarks/makespan.py main({runs}, {scale}): {runs} run(s), track "
                        f"efforts x{scale}")
    try:
        makespan = importlib.import_module("benchmarks.makespan")
    except ImportError as error:
        result.error = f"benchmarks/makespan.py cannot be imported yet ({error})"
        return result
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        makespan.main(runs, scale)
    found = [tuple(map(float, m.groups())) for m in RUN_LINE.finditer(printed.getvalue())]
    if len(found) != runs:
        result.error = ("could not read makespan.py's output:\n" + printed.getvalue()).strip()
        return result
    names = ("gitorch run (scheduler)", "lower bound", "seed's fixed batches")
    scheduler, bound, batches = (Row(name, [run[i] for run in found])
                                 for i, name in enumerate(names))
    result.rows = [scheduler, bound, batches]
    result.ratios = [
        ratio("scheduler / lower bound", scheduler, bound, ("<=", 1.05)),
        ratio("batches / scheduler (speed-up)", batches, scheduler, (">=", 1.3)),
    ]
    return result
