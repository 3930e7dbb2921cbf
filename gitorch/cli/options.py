"""What several command declarations share: the --json option and run's exit."""

from __future__ import annotations

import sys

import click

json_option = click.option("--json", "as_json", is_flag=True,
                           help="Print one JSON document on stdout.")


def exit_on(problem: str | None) -> None:
    """Exit 1 with the one-line error when a run left work for a person."""
    if problem:
        click.echo(f"Error: {problem}", err=True)
        sys.exit(1)
