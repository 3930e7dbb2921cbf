"""Commands that set a repository up and check it: init, doctor, roadmap, demo."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from gitorch.cli.options import exit_on, json_option
from gitorch.output import emit_json, safe_text, use_colour


@click.command()
@click.option("--uninstall", is_flag=True,
              help="Remove gitorch's post-commit hook and restore the one it replaced.")
def init(uninstall: bool) -> None:
    """Write gitorch.yaml if absent, make gitorch's state folder, install the hook.

    The post-commit hook goes into core.hooksPath if set, else .git/hooks; a hook
    already there is kept and still runs.

    Example: gitorch init
    """
    from gitorch.commands import init as command

    changes = command.uninstall(Path.cwd()) if uninstall else command.init(Path.cwd())
    for change in changes:
        click.echo(f"✓ {change}")
    if not changes:
        click.echo("Nothing to do: no gitorch hook is installed here." if uninstall
                   else "Nothing to do: gitorch is already set up here.")


@click.command()
def doctor() -> None:
    """Check git, the repository, config, roadmap, agent and remote.

    Example: gitorch doctor
    """
    from gitorch.commands.doctor import doctor as run_doctor
    from gitorch.commands.doctor import render_checks

    checks = run_doctor(Path.cwd())
    click.echo("\n".join(render_checks(checks, use_colour())))
    if not all(check.ok for check in checks):
        sys.exit(1)


@click.command()
@json_option
def roadmap(as_json: bool) -> None:
    """Show how the roadmap was read: its form, groups, tracks and what was passed over.

    Each group and track comes with its line, id, dependencies and state; each heading
    that is not work says why, so you see at once what gitorch will run.

    Example: gitorch roadmap --json | jq '.groups[].tracks[].id'
    """
    from gitorch.commands.roadmap import describe, render

    document = describe(Path.cwd())
    if as_json:
        emit_json(document)
    else:
        click.echo("\n".join(safe_text(line) for line in render(document)))


@click.command()
@click.option("--clean", is_flag=True, help="Remove the demo folder afterwards.")
def demo(clean: bool) -> None:
    """Run the whole cycle on a throwaway repository with a simulated agent.

    Makes a repository with a bare remote and a sample roadmap, then runs the
    scheduler through every group: no network and no API key needed.

    Example: gitorch demo --clean
    """
    from gitorch.commands.demo import demo as run_demo
    from gitorch.commands.demo import render_demo
    from gitorch.commands.run import render_summary, trouble

    result = run_demo(clean, click.echo)
    click.echo("\n".join(render_summary(result.summary, use_colour())
                         + render_demo(result, clean)))
    exit_on(trouble(result.summary))
