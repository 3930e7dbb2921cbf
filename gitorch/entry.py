"""The `gitorch` program: the status line at once, everything else through the CLI."""

from __future__ import annotations

import os
import sys


def main() -> None:
    """Run gitorch; `gitorch status --line` answers without loading the CLI (it runs on
    every shell prompt)."""
    if sys.argv[1:] == ["status", "--line"]:
        from gitorch.status.line import status_line

        line = status_line(os.getcwd())
        if line:
            print(line)
        return
    from gitorch.cli import main as cli_main

    cli_main()
