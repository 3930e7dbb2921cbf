"""The suite's output: the machine, each case as Markdown tables, a summary, JSON, README."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from benchmarks.common import CaseResult, Ratio

README = Path(__file__).parent / "README.md"
BEGIN, END = "<!-- results: written by python -m benchmarks --readme -->", "<!-- /results -->"


def file_creation_ms(files: int = 5000) -> float:
    """How long writing files small files takes here: the disk is most of what start costs."""
    folder = Path(tempfile.mkdtemp(prefix="gitorch-bench-disk-"))
    try:
        began = time.perf_counter()
        for number in range(files):
            if number % 100 == 0:
                (folder / str(number // 100)).mkdir()
            (folder / str(number // 100) / str(number)).write_bytes(b"x" * 400)
        return (time.perf_counter() - began) * 1000
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    git_version = subprocess.run(["git", "--version"], capture_output=True, text=True,
                                 check=True).stdout.split()[-1]
    here = Path(__file__).parent.parent
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=here,
                            capture_output=True, text=True, check=False).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "gitorch"], cwd=here,
                           capture_output=True, text=True, check=False).stdout.strip()
    from gitorch import __version__

    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(), "cpu_model": model,
        "os": platform.platform(), "python": platform.python_version(), "git": git_version,
        "gitorch": f"{__version__} at {commit or '?'}"
                   + (" with uncommitted changes in gitorch/" if dirty else ""),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "create_5000_files_ms": round(file_creation_ms()),
        "folder": tempfile.gettempdir(),
    }


def render_machine(info: dict[str, Any]) -> list[str]:
    load = info["load_average"]
    load_end = info.get("load_average_end")
    return [
        f"- date: {info['date']}",
        f"- machine: {info['cpus']} CPUs ({info['cpu_model']}), {info['os']}",
        f"- git {info['git']}, Python {info['python']}, gitorch {info['gitorch']}",
        f"- load average (1, 5, 15 min) at the start: {', '.join(map(str, load))}"
        + (f"; at the end: {', '.join(map(str, load_end))}" if load_end else ""),
        f"- writing 5,000 files of 400 bytes took {info['create_5000_files_ms']} ms "
        "(the disk's pace; worktrees of 20,100 files follow it)",
        f"- the repositories were made in {info.get('folder', '?')}",
    ]


def duration(seconds: float) -> str:
    ms = seconds * 1000
    if ms < 100:
        return f"{ms:.1f} ms"
    if ms < 1000:
        return f"{ms:.0f} ms"
    return f"{seconds:.2f} s"


def _ratio_value(r: Ratio) -> str:
    return f"{r.value:.1f} ms" if r.unit == "ms" else f"{r.value:.2f}x"


def _goal(r: Ratio) -> tuple[str, str]:
    if r.goal is None:
        return "", ""
    op, bound = r.goal
    unit = " ms" if r.unit == "ms" else "x"
    return f"{op} {bound:g}{unit}", "met" if r.met else "**NOT met**"


def render_case(case: CaseResult) -> list[str]:
    """One case as Markdown: what was set up, the medians, the ratios, checks and notes."""
    took = f" ({case.seconds:.0f} s with setup)" if case.setup else ""
    lines = [f"### {case.name}: {case.title}", ""]
    if case.setup:
        lines += [case.setup + took, ""]
    if case.error:
        lines += [f"**ERROR**: {case.error}", ""]
    if case.rows:
        lines += ["| measured | median | min | max | runs |", "|---|---:|---:|---:|---:|"]
        lines += [f"| {row.name} | {duration(row.median)} | {duration(min(row.samples))} | "
                  f"{duration(max(row.samples))} | {len(row.samples)} |" for row in case.rows]
        lines.append("")
    if case.ratios:
        lines += ["| ratio (of medians) | value | per-round range | goal | |",
                  "|---|---:|---|---|---|"]
        for r in case.ratios:
            spread = (f"{r.low:.2f}-{r.high:.2f}" if r.low is not None and r.high is not None
                      else "")
            lines.append(f"| {r.name} | {_ratio_value(r)} | {spread} | {' | '.join(_goal(r))} |")
        lines.append("")
    lines += [f"- {'ok' if c.ok else '**FAILED**'}: {c.name}" for c in case.checks]
    lines += [f"- {note}" for note in case.notes]
    if case.checks or case.notes:
        lines.append("")
    return lines


def render_summary(cases: list[CaseResult]) -> list[str]:
    """Every goal of every case in one table."""
    lines = ["| case | goal | value | target | |", "|---|---|---:|---|---|"]
    for case in cases:
        if case.error:
            lines.append(f"| {case.name} | (case failed: see below) | | | **ERROR** |")
        for r in case.ratios:
            if r.goal is not None:
                lines.append(f"| {case.name} | {r.name} | {_ratio_value(r)} | "
                             f"{' | '.join(_goal(r))} |")
        for c in case.checks:
            lines.append(f"| {case.name} | {c.name} | | | "
                         f"{'ok' if c.ok else '**FAILED**'} |")
    return lines


def render_head(cases: list[CaseResult], info: dict[str, Any], quick: bool) -> list[str]:
    """The machine and the summary of every goal."""
    mode = "--quick" if quick else "full"
    return [f"## Results ({mode} run)", "", *render_machine(info),
            f"- the whole suite took {info['suite_seconds']:.0f} s", "", "### Summary", "",
            *render_summary(cases), ""]


def render(cases: list[CaseResult], info: dict[str, Any], quick: bool) -> list[str]:
    """The head, then every case in full."""
    lines = render_head(cases, info, quick)
    for case in cases:
        lines += render_case(case)
    return lines


def as_json(cases: list[CaseResult], info: dict[str, Any], quick: bool) -> dict[str, Any]:
    return {"machine": info, "quick": quick, "cases": [c.as_json() for c in cases]}


def write_readme(lines: list[str]) -> None:
    """Replace the results section of benchmarks/README.md with lines."""
    text = README.read_text(encoding="utf-8")
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    README.write_text(text[:start] + "\n" + "\n".join(lines).rstrip() + "\n" + text[end:],
                      encoding="utf-8")
