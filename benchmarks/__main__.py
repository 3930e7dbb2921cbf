"""python -m benchmarks [--quick] [--json FILE] [--case NAME]... [--readme]

Runs each case in a fresh temporary folder, with HOME, git's config and identity set
inside it, prints every case as it ends, then a summary of the goals and the machine.
Exit status: 0 when every case ran and every check held (a goal not met is a finding,
not a failure), 1 otherwise.
"""

from __future__ import annotations

import argparse
import compileall
import importlib
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

import gitorch
from benchmarks import report
from benchmarks.common import CaseResult, isolated_environment

# name -> (module, title while it runs)
CASES = {
    "land": ("benchmarks.land_speed", "land 10 tracks x 5 commits"),
    "scaling": ("benchmarks.land_scaling", "land 10/50/100 tracks"),
    "start": ("benchmarks.start_speed", "start 4 tracks"),
    "hook": ("benchmarks.hook_overhead", "post-commit hook"),
    "status": ("benchmarks.status_speed", "status --json"),
    "makespan": ("benchmarks.makespan_case", "makespan of gitorch run"),
    "slots": ("benchmarks.slots", "gitorch run at 12x4 to 128x32 slots, CPU a track"),
    "claims": ("benchmarks.claims_race", "32 starts racing for 8 tracks"),
    "report": ("benchmarks.report_scale", "report --html of 500 tracks"),
    "overlap": ("benchmarks.overlap", "overlap-aware scheduling, 12 tracks"),
    "roadmap": ("benchmarks.roadmap_parse", "reading and writing back 1 MB plans"),
    "repair": ("benchmarks.repair_speed", "conflict found -> track landed"),
    "sandbox": ("benchmarks.sandbox_cost", "the sandbox's cost a phase and a track"),
    "resume": ("benchmarks.resume_tokens", "tokens to finish a track cut at its midpoint"),
}


def run_one(name: str, folder: Path, quick: bool) -> CaseResult:
    """One case; an exception becomes the case's error, with the traceback's last lines."""
    module, title = CASES[name]
    began = time.perf_counter()
    try:
        result: CaseResult = importlib.import_module(module).run_case(folder, quick)
    except Exception as error:  # one broken case must not cost the others' figures
        tail = "".join(traceback.format_exception(error)[-3:]).strip()
        result = CaseResult(name, title, "", error=f"{type(error).__name__}: {error}\n\n"
                            f"```\n{tail}\n```")
    result.seconds = time.perf_counter() - began
    return result


def use_ram_disk() -> None:
    """Make the cases' repositories on a RAM disk, when the machine has one with room.

    For --quick: its figures are then not paced by a slow disk (worktrees are most of
    what the cases write); the full suite stays on the disk users' repositories are on.
    """
    ram = Path("/dev/shm")
    if ram.is_dir() and os.access(ram, os.W_OK) and shutil.disk_usage(ram).free > 4 << 30:
        os.environ["TMPDIR"] = str(ram)  # for child processes
        tempfile.tempdir = str(ram)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks",
                                     description="gitorch's benchmark suite.")
    parser.add_argument("--quick", action="store_true",
                        help="fewer runs, smaller sizes, a RAM disk if there is one: "
                             "under 2 minutes")
    parser.add_argument("--json", metavar="FILE", type=Path,
                        help="also write every sample, ratio and the machine to FILE")
    parser.add_argument("--case", action="append", choices=list(CASES), metavar="NAME",
                        help=f"run only this case (repeatable): {', '.join(CASES)}")
    parser.add_argument("--readme", action="store_true",
                        help="write the results into benchmarks/README.md")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary folder (repositories, logs) afterwards")
    args = parser.parse_args(argv)
    names = args.case or list(CASES)

    if args.quick:
        use_ram_disk()
    # As pip leaves an installed package: compiled. An editable install (or
    # PYTHONDONTWRITEBYTECODE) would have every gitorch process compile the sources anew.
    compileall.compile_dir(Path(gitorch.__file__).parent, quiet=1)
    info = report.machine()
    root = Path(tempfile.mkdtemp(prefix="gitorch-bench-"))
    cases = []
    began = time.perf_counter()
    try:
        with isolated_environment(root):
            for name in names:
                print(f"... {name}: {CASES[name][1]}", file=sys.stderr, flush=True)
                cases.append(run_one(name, root / name, args.quick))
                print("\n".join(report.render_case(cases[-1])), flush=True)
    finally:
        # Not removed case by case: on ext4 without a journal, creating files within minutes
        # of deleting many takes up to 8x longer, which the next case's checkouts would pay.
        if args.keep:
            print(f"kept {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)
    info["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    info["suite_seconds"] = round(time.perf_counter() - began, 1)
    print("\n".join(report.render_head(cases, info, args.quick)))
    if args.json:
        args.json.write_text(json.dumps(report.as_json(cases, info, args.quick), indent=2) + "\n")
    if args.readme:
        report.write_readme(report.render(cases, info, args.quick))
    ok = all(not c.error and all(check.ok for check in c.checks) for c in cases)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
