"""The `gitorch` program: the status line at once, everything else through the CLI."""

from __future__ import annotations

import os
import sys


def main() -> None:
    """Run gitorch; `gitorch status --line` (run on every shell prompt) and `status --json`
    (polled by scripts) answer without loading the CLI and click."""
    if sys.argv[1:] == ["status", "--json"]:
        import gc

        # A status lives a fraction of a second and makes no garbage worth a cycle search:
        # the collector's passes over the imports' objects were ~7 ms of its CPU.
        gc.disable()
        from gitorch.compiled import compiled_dataclasses

        with compiled_dataclasses():
            from pathlib import Path

            from gitorch.commands.status import print_json
            from gitorch.failure import fail

            try:
                print_json(Path.cwd())
            except (Exception, KeyboardInterrupt) as error:
                fail(error)
        return
    if sys.argv[1:] == ["status", "--line"]:
        from gitorch.status.line import status_line

        line = status_line(os.getcwd())
        if line:
            print(line)
        return
    from gitorch.cli import main as cli_main

    cli_main()
