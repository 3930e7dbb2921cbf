"""The tools: each runs one gitorch command in the repository and returns what it said."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from gitorch import process


class CommandFailed(Exception):
    """A command's one-line error, as the CLI printed it after `Error: `."""


def run_command(repo: Path, *args: str) -> dict[str, Any]:
    """Run `gitorch args` in repo: its JSON document, or its lines of output as `output`."""
    done = process.run([sys.executable, "-m", "gitorch", *args], repo, check=False)
    try:
        document = json.loads(done.stdout) if "--json" in args else None
    except ValueError:
        document = None
    if isinstance(document, dict):  # land exits 1 on a conflict and still says what it did
        return document
    if done.returncode != 0:
        errors = [line.removeprefix("Error: ") for line in done.stderr.splitlines()
                  if line.startswith("Error: ")]
        raise CommandFailed(errors[-1] if errors else
                            (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1])
    return {"output": done.stdout.splitlines()}


def flags(**given: object) -> list[str]:
    """Command-line options from keyword arguments: True -> --name, a value -> --name value,
    a list -> --name each; None and False are left out."""
    args: list[str] = []
    for name, value in given.items():
        option = "--" + name.replace("_", "-")
        if value is True:
            args.append(option)
        elif isinstance(value, (list, tuple)):
            for each in value:
                args += [option, str(each)]
        elif value is not None and value is not False:
            args += [option, str(value)]
    return args
