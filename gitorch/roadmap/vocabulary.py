"""The words a roadmap may use for groups, tracks and done, and how ids are compared."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# With the words plans in Spanish, Portuguese, Italian, French and German use most ("FASE 2").
GROUP_WORDS = ("Group", "Phase", "Milestone", "Stage", "Sprint", "Epic", "Wave", "Part",
               "Release", "Version", "Week", "Day", "Quarter", "Fase", "Etapa", "\u00c9tape",
               "Meilenstein")
TRACK_WORDS = ("Track", "Task", "Plan", "Story", "Step", "Workstream", "Stream", "Item",
               "Tarea", "Tarefa", "T\u00e2che", "Aufgabe")
FORMATS = ("auto", "tracks", "speckit", "gsd", "checklist", "taskmaster", "beads")
# An id as written: a number, letters, or a dotted or dashed code (1.2, 04-01, T012, v0.3).
ID = r"[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*"
# An id ends where the title starts: a space, a separator, emphasis, or the end of the line.
ID_END = r"(?=[\s*_`:.,;+&\-\u2013\u2014)]|$)"


@dataclass(frozen=True)
class Vocabulary:
    """How to read a plan: its form, and the words for groups, tracks and done."""

    format: str = "auto"
    group_words: tuple[str, ...] = GROUP_WORDS
    track_words: tuple[str, ...] = TRACK_WORDS
    done_words: tuple[str, ...] = ()
    tag: str = ""  # Task Master's current tag (its .taskmaster/state.json); "" is master


def json_form(path: str, words: Vocabulary) -> str | None:
    """taskmaster or beads when the plan is one of theirs (by roadmap.format, else by name)."""
    if words.format in ("taskmaster", "beads"):
        return words.format
    if words.format != "auto":
        return None
    return "beads" if path.endswith(".jsonl") else "taskmaster" if path.endswith(".json") \
        else None


DEFAULT = Vocabulary()


@lru_cache(maxsize=16)
def words_pattern(words: tuple[str, ...]) -> str:
    """A regex alternation of the words, longest first, each matched case-insensitively."""
    ordered = sorted({w.strip() for w in words if w.strip()}, key=len, reverse=True)
    return "(?i:" + "|".join(re.escape(w).replace(r"\ ", r"[ \t]+") for w in ordered) + ")"


def id_key(text: str) -> str:
    """How ids compare: numbers by value (Track 02 is Track 2), others without case."""
    return (text.lstrip("0") or "0") if text.isdigit() else text.upper()
