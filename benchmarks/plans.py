"""1 MB plans in every form gitorch reads, for the roadmap case: (file name, text) each."""

from __future__ import annotations

import json
from collections.abc import Callable

MB = 1_000_000
_SENTENCE = "Implement the part of the system this track is named after. "


def _fill(part: Callable[[int], str], head: str = "") -> str:
    """head, then part(1), part(2), ... until the text is 1 MB."""
    parts, size, n = [head], len(head), 0
    while size < MB:
        n += 1
        parts.append(part(n))
        size += len(parts[-1])
    return "".join(parts)


def tracks() -> str:
    """The seed's form: groups of 10 track headings with bodies and dependencies."""
    body = "".join(f"{_SENTENCE}Step {n}.\n" for n in range(1, 5))
    return _fill(lambda g: f"## Group G{g}: Group number {g}\n\n" + "".join(
        f"### Track {t}: Track {t} of group {g}\n{body}"
        + (f"Depends on: Track {t - 4}\n" if t > 4 else "") for t in range(1, 11)))


def checklist() -> str:
    """Headings with no group word, each over 20 checkbox items with an indented note."""
    return _fill(lambda g: f"## Area {g} of the work\n\n" + "".join(
        f"- [{'x' if g == 1 else ' '}] Build piece {t} of area {g}, as the design says\n"
        f"  {_SENTENCE}\n" for t in range(1, 21)) + "\n", "# Plan\n\n")


def speckit() -> str:
    """Spec Kit's tasks.md: phases of 40 tasks, four in five [P]."""
    def phase(p: int) -> str:
        return f"## Phase {p}: Part {p}\n\n" + "".join(
            f"- [ ] T{(p - 1) * 40 + i:05} {'[P] ' if i % 5 else ''}[US{p}] Build piece "
            f"{(p - 1) * 40 + i} in src/p{i}.py, keeping the public interface of module {i} "
            "as it is\n" for i in range(1, 41))
    return _fill(phase, "# Tasks: big\n\n")


def gsd() -> str:
    """GSD's ROADMAP.md as its template writes it: a summary checklist, phases of two waves
    of plans with goals, requirements and success criteria, and the Progress table."""
    summary, details, progress = [], [], []
    size, p = 0, 0
    while size < MB:
        p += 1
        summary.append(f"- [ ] **Phase {p}: Part {p}** - the part numbered {p}\n")
        details.append(
            f"### Phase {p}: Part {p}\n**Goal**: {'Deliver it. ' * 6}\n"
            f"**Depends on**: {f'Phase {p - 1}' if p > 1 else 'Nothing (first phase)'}\n"
            f"**Requirements**: REQ-{p:03}, REQ-{p + 1:03}\n"
            "**Success Criteria** (what must be TRUE):\n" + "".join(
                f"  {n}. A person can use part {p} in the way number {n} describes\n"
                for n in range(1, 4))
            + "**Plans**: 5 plans\n\nPlans:\n**Wave 1**\n" + "".join(
                f"- [ ] {p:02}-{i:02}-PLAN.md — plan {i} of phase {p}\n" for i in range(1, 4))
            + "**Wave 2**\n" + "".join(
                f"- [ ] {p:02}-{i:02}-PLAN.md — plan {i} of phase {p}\n" for i in range(4, 6))
            + "\n")
        progress.append(f"| {p}. Part {p} | 0/5 | Not started | - |\n")
        size += len(summary[-1]) + len(details[-1]) + len(progress[-1])
    return ("# Roadmap: big\n\n## Phases\n\n" + "".join(summary) + "\n## Phase Details\n\n"
            + "".join(details) + "## Progress\n\n| Phase | Plans Complete | Status | Completed |\n"
            "|-------|----------------|--------|-----------|\n" + "".join(progress))


def openspec() -> str:
    """OpenSpec's tasks.md: "## 1. Group" sections of "- [ ] 1.1 task" items with steps."""
    return _fill(lambda g: f"## {g}. Area {g}\n\n" + "".join(
        f"- [ ] {g}.{t} Build piece {t} of area {g} in src/a{g}/p{t}.py\n"
        "  - [x] Write the code\n  - [ ] Write its tests\n" for t in range(1, 16)) + "\n")


def kiro() -> str:
    """Kiro's tasks.md: numbered tasks with flush sub-tasks and _Requirements_ lines."""
    def task(n: int) -> str:
        return f"- [{'-' if n == 1 else ' '}] {n}. Implement feature {n}\n" + "".join(
            f"- [ ] {n}.{s} Write part {s} of feature {n}\n  - {_SENTENCE}\n"
            f"  - _Requirements: {n}.{s}_\n" for s in range(1, 5)) + "\n"
    return _fill(task, "# Implementation Plan\n\n")


def tables() -> str:
    """Phases, each a status table of 30 rows."""
    return _fill(lambda p: f"## Phase {p}: Part {p}\n\n| ID | Task | Owner | Status |\n"
                 "|----|------|-------|--------|\n" + "".join(
                     f"| {p}.{r} | Build piece {r} of part {p}, as the design says | ana | "
                     f"{'Done' if p == 1 else 'Todo'} |\n" for r in range(1, 31)) + "\n",
                 "# Roadmap\n\n")


def taskmaster() -> str:
    """Task Master's tasks.json: one tag of tasks with dependencies and subtasks, indented."""
    tasks, size, n = [], 0, 0
    while size < MB:
        n += 1
        task = {"id": n, "title": f"Task {n}", "description": _SENTENCE,
                "details": _SENTENCE * 3, "testStrategy": "Unit tests.", "priority": "high",
                "dependencies": [n - 1] if n > 1 else [], "status": "pending",
                "subtasks": [{"id": s, "title": f"Step {s}", "description": "A step.",
                              "dependencies": [], "details": "Do it.", "status": "pending",
                              "testStrategy": ""} for s in range(1, 4)]}
        tasks.append(task)
        size += len(json.dumps(task, indent=2))
    return json.dumps({"master": {"tasks": tasks, "metadata": {"created": "2026-12-01"}}},
                      indent=2) + "\n"


def beads() -> str:
    """beads' issues.jsonl: epics of 10 tasks, each blocked by the one before."""
    def issue(ident: str, kind: str, deps: list[tuple[str, str]]) -> str:
        return json.dumps({
            "id": ident, "title": f"Work {ident}", "description": _SENTENCE * 2,
            "status": "open", "priority": 2, "issue_type": kind,
            "created_at": "2026-12-01T09:00:00Z", "updated_at": "2026-12-01T09:00:00Z",
            "dependencies": [{"issue_id": ident, "depends_on_id": on, "type": kind_of,
                              "created_at": "2026-12-01T09:00:00Z", "created_by": "ana"}
                             for on, kind_of in deps]}, separators=(",", ":")) + "\n"
    return _fill(lambda e: issue(f"bd-{e}", "epic", []) + "".join(
        issue(f"bd-{e}.{t}", "task", [(f"bd-{e}", "parent-child")]
              + ([(f"bd-{e}.{t - 1}", "blocks")] if t > 1 else [])) for t in range(1, 11)))


FORMS: dict[str, tuple[str, Callable[[], str]]] = {
    "tracks": ("ROADMAP.md", tracks), "checklist": ("PLAN.md", checklist),
    "Spec Kit": ("tasks.md", speckit), "GSD": ("ROADMAP.md", gsd),
    "OpenSpec": ("tasks.md", openspec), "Kiro": ("tasks.md", kiro),
    "tables": ("ROADMAP.md", tables), "Task Master": ("tasks.json", taskmaster),
    "beads": ("issues.jsonl", beads),
}
