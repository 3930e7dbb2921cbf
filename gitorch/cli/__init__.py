"""The command line: click declarations only; the work is in gitorch.commands."""

from __future__ import annotations

import sys

import click

from gitorch import __version__
from gitorch.cli import setup, tell, tracks, work
from gitorch.failure import fail


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gitorch")
def cli() -> None:
    """Run coding agents in parallel on the tracks of your ROADMAP.md.

    Each track gets its own git worktree and branch; finished tracks are
    replayed onto main, tested and pushed once.
    """


for command in (setup.init, work.status, setup.roadmap, setup.doctor, work.start, work.land,
                work.stop, tell.notify, tell.mcp, tracks.logs, tracks.release,
                tracks.approve, tracks.clean, tracks.repair, tracks.discard, tracks.attach,
                tracks.send, work.runner, work.run_command, tell.report, tell.serve, setup.demo):
    cli.add_command(command)


def main() -> None:
    """Entry point: map errors to exit codes (1 user error, 2 usage, 3 bug, 130 Ctrl-C)."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except (Exception, KeyboardInterrupt) as error:
        fail(error)
