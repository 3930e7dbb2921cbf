"""The command line: click declarations only; the work is in gitorch.commands."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from gitorch import __version__
from gitorch.cli import setup, tell, tracks, work
from gitorch.disk import as_disk_full, is_full
from gitorch.errors import GitorchError, write_crash_report


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


def _doer() -> str:
    """The command being run, as `gitorch land`, for a message that says what failed."""
    return " ".join(["gitorch", *[arg for arg in sys.argv[1:] if not arg.startswith("-")][:1]])


def main() -> None:
    """Entry point: map errors to exit codes (1 user error, 2 usage, 3 bug, 130 Ctrl-C)."""
    try:
        cli.main(standalone_mode=False)
    except GitorchError as error:
        # A git that ran out of room says so in its own words; name the disk instead.
        said = as_disk_full(error, Path.cwd(), _doer()) if is_full(error) else error
        click.echo(f"Error: {said}", err=True)
        sys.exit(1)
    except click.exceptions.Abort:
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as error:
        if is_full(error):
            click.echo(f"Error: {as_disk_full(error, Path.cwd(), _doer())}", err=True)
            sys.exit(1)
        report = write_crash_report(error)
        where = (f"traceback in {report}" if isinstance(report, Path)
                 else f"its traceback could not be written: {report}")
        click.echo(f"Error: unexpected {type(error).__name__}: {error} ({where})", err=True)
        sys.exit(3)
