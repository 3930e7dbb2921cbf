"""Commands on one track: logs, release, approve, repair, discard, attach, send; clean."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command()
@click.argument("track")
@click.option("--follow", "-f", is_flag=True, help="Keep printing until the runner ends.")
@click.option("--lines", "-n", type=click.IntRange(min=0), default=50, show_default=True,
              help="How many of the last lines to print first.")
def logs(track: str, follow: bool, lines: int) -> None:
    """Print a track's log, or the test gate's last output (`gitorch logs gate`).

    Example: gitorch logs E/1 -f
    """
    from gitorch.commands.logs import logs as read_logs

    for line in read_logs(Path.cwd(), track, lines, follow):
        click.echo(line)


@click.command()
@click.argument("track")
@click.option("--stop", "stop_first", is_flag=True, help="Stop its runner first.")
@click.option("--force", is_flag=True, help="Also drop another machine's claim on the remote.")
def release(track: str, stop_first: bool, force: bool) -> None:
    """Drop a track's claim; it becomes pending, its branch and worktree kept.

    Example: gitorch release E/1 --stop
    """
    from gitorch.commands.release import release as run_release

    click.echo(run_release(Path.cwd(), track, stop_first, force))


@click.command()
@click.argument("track")
def approve(track: str) -> None:
    """Let a track that changes protected paths (land.protected) land as it is now.

    Example: gitorch approve E/1
    """
    from gitorch.commands.approve import approve as run_approve

    click.echo(run_approve(Path.cwd(), track))


@click.command()
@click.argument("track")
@click.option("--wait", is_flag=True, help="Wait for the repair to end and say how it went.")
def repair(track: str, wait: bool) -> None:
    """Send a track back to its agent: resolve a conflict or fix a red gate land left it out
    for, or run the round its pull request calls for (fix its checks, address a review).

    Example: gitorch repair E/2 --wait
    """
    from gitorch.commands.repair import repair as run_repair

    lines, code = run_repair(Path.cwd(), track, wait)
    for line in lines:
        click.echo(line)
    sys.exit(code)


@click.command()
@click.argument("track")
@click.option("--stop", "stop_first", is_flag=True, help="Stop its runner first.")
def discard(track: str, stop_first: bool) -> None:
    """Put a track back to pending: its worktree, branch and claim go, its wip ref stays.

    Example: gitorch discard E/2
    """
    from gitorch.commands.discard import discard as run_discard

    click.echo(run_discard(Path.cwd(), track, stop_first))


@click.command()
@click.option("--force", is_flag=True, help="Also remove worktrees with uncommitted changes.")
def clean(force: bool) -> None:
    """Drop stale claims; remove landed tracks' worktrees and branches.

    Example: gitorch clean
    """
    from gitorch.commands.clean import clean as run_clean

    for line in run_clean(Path.cwd(), force):
        click.echo(line)


@click.command()
@click.argument("track")
def attach(track: str) -> None:
    """Take a track's agent over here: its CLI, interactive, in the track's worktree,
    continuing its session ($SHELL for an agent command of your own). Its runner is
    stopped first; when you leave, the track is stopped and start carries on.

    Example: gitorch attach E/1
    """
    from gitorch.commands.attach import attach as run_attach

    sys.exit(run_attach(Path.cwd(), track, click.echo))


@click.command()
@click.argument("track")
@click.argument("message")
def send(track: str, message: str) -> None:
    """Send a message to a track's agent, run as a phase that continues its session:
    after its current phase if it runs, else by a runner of its own.

    Example: gitorch send E/1 "Use the registry in core/registry.py, not a new one"
    """
    from gitorch.commands.send import send as run_send

    for line in run_send(Path.cwd(), track, message):
        click.echo(line)
