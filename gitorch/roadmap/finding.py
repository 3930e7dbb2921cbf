"""Where plans live: every plan file in a worktree, read, and the one to run."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from gitorch.roadmap.model import Roadmap, RoadmapError
from gitorch.roadmap.reader import parse
from gitorch.roadmap.taskmaster import current_tag
from gitorch.roadmap.vocabulary import DEFAULT, Vocabulary, json_form

_SAFE_NAME = re.compile(r"[A-Za-z0-9._/-]+")
# Planners' own places, then the usual names of a hand-written plan.
_AFTER_SPECS = (".kiro/specs/*/tasks.md", "openspec/changes/*/tasks.md",
                ".taskmaster/tasks/tasks.json", "tasks/tasks.json", ".beads/issues.jsonl",
                "docs/ROADMAP.md", "PLAN.md", "TODO.md", "tasks.md", "docs/tasks.md")


@dataclass(frozen=True)
class Plan:
    """A plan file found: how it reads, or why it cannot be read."""

    name: str
    roadmap: Roadmap | None
    error: str | None = None

    @property
    def open_work(self) -> bool:
        """Whether it reads and has a track not done."""
        return self.roadmap is not None and any(not t.done for t in self.roadmap.tracks())

    def summary(self) -> str:
        """One line: how it reads, or its error."""
        if self.roadmap is None:
            return f"{self.name}: cannot be read ({self.error})"
        left = sum(not t.done for t in self.roadmap.tracks())
        return (f"{self.name}: read as {self.roadmap.form}, {len(self.roadmap.groups)} groups "
                f"and {len(self.roadmap.tracks())} tracks, {left} open")


def plans(root: Path, words: Vocabulary = DEFAULT) -> list[Plan]:
    """Every plan file in the worktree at root, each read with the configured words, in the
    order they are preferred."""
    found = []
    for name in _names(root):
        if not _SAFE_NAME.fullmatch(name):
            continue  # a name that would need quoting in gitorch.yaml is not guessed at
        found.append(read_plan(root, name, words))
    return found


def choose(found: list[Plan]) -> Plan | None:
    """The plan to run: the first with open work, else the first that reads at all."""
    return next((p for p in found if p.open_work), None) or next(
        (p for p in found if p.roadmap is not None), None)


def find_plan(root: Path, words: Vocabulary = DEFAULT) -> tuple[str, Roadmap] | None:
    """The name and roadmap of the plan to run in the worktree at root, if one reads."""
    best = choose(plans(root, words))
    return (best.name, best.roadmap) if best and best.roadmap else None


def read_plan(root: Path, name: str, words: Vocabulary = DEFAULT) -> Plan:
    """The plan file root/name, read as gitorch would read it with these words."""
    try:
        text = (root / name).read_text(encoding="utf-8")
        if json_form(name, words) == "taskmaster":
            words = replace(words, tag=current_tag(root))
        return Plan(name, parse(text, name, words))
    except (OSError, UnicodeDecodeError) as bad:
        return Plan(name, None, str(bad))
    except RoadmapError as bad:
        return Plan(name, None, str(bad).removeprefix(f"{name}: "))


def _names(root: Path) -> list[str]:
    """The plan files that exist, in order: ROADMAP.md, GSD's, Spec Kit's, then the rest."""
    names = ["ROADMAP.md", ".planning/ROADMAP.md",
             *_glob(root, ".planning/workstreams/*/ROADMAP.md"), *_spec_kit(root)]
    for pattern in _AFTER_SPECS:
        names += _glob(root, pattern) if "*" in pattern else [pattern]
    return [name for name in dict.fromkeys(names) if (root / name).is_file()]


def _glob(root: Path, pattern: str) -> list[str]:
    found = sorted(p.relative_to(root).as_posix() for p in root.glob(pattern))
    return [name for name in found if "/archive/" not in name]  # OpenSpec's finished changes


def _spec_kit(root: Path) -> list[str]:
    """specs/*/tasks.md: the feature .specify/feature.json names first, then newest first."""
    specs = sorted(_glob(root, "specs/*/tasks.md"), reverse=True)  # numbered: 003 is newest
    try:
        feature = json.loads((root / ".specify/feature.json").read_text(encoding="utf-8"))
        directory = PurePosixPath(str(feature.get("feature_directory", "")).replace("\\", "/"))
    except (OSError, UnicodeDecodeError, ValueError, AttributeError):
        return specs
    current = [s for s in specs if directory.parts[-2:] == PurePosixPath(s).parts[-3:-1]]
    return [*current, *specs]
