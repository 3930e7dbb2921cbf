"""Commands that move tracks along: status, start, land, stop, run and the runner."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from gitorch.cli.options import exit_on, json_option
from gitorch.output import emit_json, use_colour, warn


@click.command()
@json_option
@click.option("--watch", "-w", is_flag=True, help="Redraw every few seconds until Ctrl-C.")
@click.option("--interval", "-n", type=click.FloatRange(min=0.1), default=2.0,
              show_default=True, help="Seconds between redraws with --watch.")
@click.option("--no-fetch", is_flag=True, help="Do not ask the remote for its claims.")
@click.option("--verbose", "-v", is_flag=True, help="Every detail: runners, log tails, claims.")
@click.option("--line", "one_line", is_flag=True,
              help="One short line (▶ E 3 running · 2 to land · 1 needs you) for tmux or an "
                   "agent CLI's status line; fast, from what runners last wrote.")
def status(as_json: bool, watch: bool, interval: float, no_fetch: bool, verbose: bool,
           one_line: bool) -> None:
    """Show the groups, the tracks, their runners, claims and recent commits.

    Works from the main worktree, any track worktree and any subfolder.

    Example: gitorch status --json | jq '.tracks[].state'
    """
    from gitorch.commands.status import collect, print_json, render
    from gitorch.commands.status import watch as watch_status

    if one_line:
        from gitorch.status.line import status_line

        line = status_line(os.getcwd())
        if line:
            click.echo(line)
        return
    if watch:
        watch_status(Path.cwd(), interval, as_json, use_colour(), not no_fetch)
        return
    if as_json:
        print_json(Path.cwd(), not no_fetch)
        return
    document = collect(Path.cwd(), not no_fetch)
    if document["warning"] and verbose:
        warn(document["warning"])  # the one-line view shows it under its header
    click.echo("\n".join(render(document, use_colour(), verbose)))


@click.command()
@click.option("--parallel", "-p", type=click.IntRange(min=1), default=None,
              help="How many tracks may run at once (default: max_parallel).")
@click.option("--group", "-g", default=None, help="Only start tracks of this group.")
@click.option("--track", "-t", "tracks", multiple=True,
              help="Start exactly this track (e.g. E/1); repeatable.")
@click.option("--wait", is_flag=True, help="Block until the runners end.")
@click.option("--land", "then_land", is_flag=True,
              help="Wait, then land every done track (as gitorch land).")
@click.option("--dry-run", is_flag=True, help="Claim nothing; say what would start.")
def start(parallel: int | None, group: str | None, tracks: tuple[str, ...], wait: bool,
          then_land: bool, dry_run: bool) -> None:
    """Claim ready tracks and start one agent runner per track.

    Runners work in the background; follow them with `gitorch status`.

    Example: gitorch start --parallel 2 --wait --land
    """
    from gitorch.commands.start import render_start, report_ended
    from gitorch.commands.start import start as run_start

    result = run_start(Path.cwd(), parallel=parallel, group=group, track_ids=list(tracks),
                       dry_run=dry_run)
    for said in (result.warning, result.notice):
        if said:
            warn(said)
    click.echo("\n".join(render_start(result)))
    failed = 0
    if (wait or then_land) and result.launched:
        lines, failed = report_ended(result)
        click.echo("\n".join(lines))
    if then_land and not dry_run:
        from gitorch.commands.land import land as run_land
        from gitorch.commands.land import render_land

        landing = run_land(Path.cwd(), [], dry_run=False, push=True, test=True, keep=False)
        click.echo("\n".join(render_land(landing, use_colour())))
        failed += len(landing.conflict) + len(landing.gate_failed)
    if failed:
        sys.exit(1)


@click.command()
@click.argument("tracks", nargs=-1)
@click.option("--dry-run", is_flag=True, help="Say what would land; change nothing.")
@click.option("--no-push", is_flag=True, help="Update the local main only.")
@click.option("--no-test", is_flag=True, help="Skip the test gate.")
@click.option("--keep", is_flag=True, help="Keep landed tracks' branches and worktrees.")
@click.option("--pr", is_flag=True,
              help="Push a branch and open a pull request instead of moving main.")
@json_option
def land(tracks: tuple[str, ...], dry_run: bool, no_push: bool, no_test: bool, keep: bool,
         pr: bool, as_json: bool) -> None:
    """Replay done tracks onto main, test them together, push once.

    With no TRACKS, lands every done track. Tracks that conflict or fail the
    tests are left out; the rest land.

    Example: gitorch land --dry-run
    """
    from gitorch.commands.land import land as run_land
    from gitorch.commands.land import render_land

    result = run_land(Path.cwd(), list(tracks), dry_run=dry_run, push=not no_push,
                      test=not no_test, keep=keep, pr=pr)
    if as_json:
        emit_json(result.as_json())
    else:
        click.echo("\n".join(render_land(result, use_colour())))
    # Main that moved under a published landing needs a person before the next land.
    if result.conflict or result.gate_failed or (tracks and result.skipped) or result.diverged:
        sys.exit(1)


@click.command()
@click.argument("tracks", nargs=-1)
@click.option("--all", "every", is_flag=True,
              help="Stop the scheduler (gitorch run) and every runner gitorch started.")
def stop(tracks: tuple[str, ...], every: bool) -> None:
    """Stop track runners and their agents; worktrees and commits stay as they are.

    Example: gitorch stop E/1 E/2
    """
    from gitorch.commands.stop import stop as run_stop

    for line in run_stop(Path.cwd(), list(tracks), every):
        click.echo(line)


@click.command("run")
@click.option("--every", metavar="DURATION", default=None,
              help="How often to land what waits, retry and log (default run.every: 10m).")
@click.option("--for", "for_", metavar="DURATION", default=None,
              help="Start nothing new after this long (default run.for: 6h).")
@click.option("--parallel", "-p", type=click.IntRange(min=1), default=None,
              help="How many tracks may run at once (default: max_parallel).")
@click.option("--detach", is_flag=True, help="Run in the background; log to .git/gitorch/run.log.")
@click.option("--hard-stop", is_flag=True,
              help="When --for runs out, stop running tracks after --grace.")
@click.option("--grace", metavar="DURATION", default="30s", show_default=True,
              help="With --hard-stop, how long running tracks may still take.")
@click.option("--lock-fd", type=int, default=None, hidden=True)
def run_command(every: str | None, for_: str | None, parallel: int | None, detach: bool,
                hard_stop: bool, grace: str, lock_fd: int | None) -> None:
    """Keep every slot busy until the roadmap is done: start, land, next group.

    A track starts as soon as a slot frees; done tracks land at once when that lets
    another start, else at the next tick. Failed tracks are retried (run.retries).
    Exit 0 when the roadmap is done or --for ran out (or on Ctrl-C, leaving runners
    running); 1 when tracks are left failed or conflicting.

    Example: gitorch run --every 10m --for 6h --detach
    """
    from gitorch.commands.run import RunSettings, render_detached, render_summary, run, trouble
    from gitorch.commands.run import detach as run_detached

    settings = RunSettings(every, for_, parallel, hard_stop, grace)
    if detach:
        click.echo("\n".join(render_detached(run_detached(Path.cwd(), settings))))
        return
    summary = run(Path.cwd(), settings, click.echo, lock_fd)
    click.echo("\n".join(render_summary(summary, use_colour())))
    exit_on(trouble(summary))


@click.command("_runner", hidden=True)
@click.argument("track")
@click.option("--lock-fd", type=int, required=True)
@click.option("--repair", is_flag=True)
@click.option("--message", is_flag=True)
def runner(track: str, lock_fd: int, repair: bool, message: bool) -> None:
    """Run one claimed track's phases (started by gitorch start, holding the lock fd).

    Example: (internal)
    """
    from gitorch.tracks.dispatch import run_runner

    sys.exit(run_runner(Path.cwd(), track, lock_fd, repair, message))
