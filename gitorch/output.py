"""One way out for everything a command prints: aligned text, colour, or one JSON document."""

from __future__ import annotations

import json
import os
import sys
import unicodedata
from collections.abc import Sequence
from typing import Any, TextIO

COLOURS = {
    "done": "green", "landed": "green", "running": "cyan", "claimed": "cyan",
    "pending": "white", "blocked": "yellow", "stale": "yellow", "stopped": "yellow",
    "failed": "red", "conflict": "red", "gate-failed": "red", "in-pr": "magenta",
    "rate-limited": "yellow", "needs-review": "magenta", "healing": "cyan", "stuck": "red",
    "ok": "green", "bad": "red", "warn": "yellow", "dim": "bright_black", "bold": "white",
}


def use_colour(stream: TextIO | None = None) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set."""
    stream = stream or sys.stdout
    return "NO_COLOR" not in os.environ and stream.isatty()


def paint(text: str, kind: str, colour: bool) -> str:
    """Text in the colour for kind (a state name or ok/bad/warn/dim/bold)."""
    if not colour or kind not in COLOURS:
        return text
    import click  # here, not above: `status --json` prints without loading click

    return click.style(text, fg=COLOURS[kind], bold=kind == "bold")


def width(text: str) -> int:
    """Columns text takes on a terminal (wide characters count two)."""
    import click

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in click.unstyle(text))


def table(rows: Sequence[Sequence[str]], indent: str = "  ") -> list[str]:
    """Rows of cells as lines with aligned columns (the last column is not padded)."""
    if not rows:
        return []
    columns = max(len(row) for row in rows)
    widths = [max((width(row[i]) for row in rows if i < len(row)), default=0)
              for i in range(columns)]
    lines = []
    for row in rows:
        cells = [cell + " " * (widths[i] - width(cell)) if i < len(row) - 1 else cell
                 for i, cell in enumerate(row)]
        lines.append((indent + "  ".join(cells)).rstrip())
    return lines


def plural(count: int, word: str, many: str | None = None) -> str:
    """`1 track`, `2 tracks`: a count with its noun in the right form."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


def safe_text(text: str) -> str:
    """Text with control characters replaced, so a title cannot move the cursor."""
    return "".join("?" if unicodedata.category(c) == "Cc" else c for c in text)


def emit_json(document: Any) -> None:
    """Print one JSON document on stdout, as UTF-8 whatever the locale says."""
    sys.stdout.flush()
    sys.stdout.buffer.write(json.dumps(document, indent=2, ensure_ascii=False).encode() + b"\n")
    sys.stdout.buffer.flush()


def warn(message: str) -> None:
    """One warning line on stderr."""
    import click

    click.echo(paint(f"Warning: {message}", "warn", use_colour(sys.stderr)), err=True)
