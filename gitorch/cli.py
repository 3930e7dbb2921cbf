"""The command line: click declarations only; the work is in gitorch.commands."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from gitorch import __version__
from gitorch.disk import as_disk_full, is_full
from gitorch.errors import GitorchError, write_crash_report
from gitorch.output import emit_json, safe_text, use_colour, warn

json_option = click.option("--json", "as_json", is_flag=True,
                           help="Print one JSON document on stdout.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gitorch")
def cli() -> None:
    """Run coding agents in parallel on the tracks of your ROADMAP.md.

    Each track gets its own git worktree and branch; finished tracks are
    replayed onto main, tested and pushed once.
    """


@cli.command()
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


@cli.command()
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
    from gitorch.commands.status import collect, render
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
    document = collect(Path.cwd(), not no_fetch)
    if document["warning"] and (as_json or verbose):
        warn(document["warning"])  # the one-line view shows it under its header
    if as_json:
        emit_json(document)
    else:
        click.echo("\n".join(render(document, use_colour(), verbose)))


@cli.command()
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


@cli.command()
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


@cli.command()
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


@cli.command()
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


@cli.command()
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


@cli.command()
@json_option
@click.option("--test", "send_test", is_flag=True, required=True,
              help="Send a test event to every sink and say what each answered.")
def notify(as_json: bool, send_test: bool) -> None:
    """Check the notify: sinks of gitorch.yaml with a test event.

    Each sink (command, webhook, desktop) gets the event now, once; the exit code is 1 if
    any sink failed.

    Example: gitorch notify --test
    """
    from gitorch.commands import notify as command

    answers = command.test_sinks(Path.cwd())
    if as_json:
        emit_json({"sinks": answers})
    else:
        click.echo("\n".join(command.render(answers)))
    if not all(answer["ok"] for answer in answers):
        sys.exit(1)


@cli.command()
def mcp() -> None:
    """Serve gitorch's commands as MCP tools on stdin and stdout (for Claude Code, Codex).

    Needs the extra: pip install 'gitorch[mcp]'. Each tool returns its command's JSON.

    Example: claude mcp add gitorch -- gitorch mcp
    """
    try:
        from gitorch.mcp_server.server import serve
    except ModuleNotFoundError as missing:
        if missing.name is None or not missing.name.startswith("mcp"):
            raise
        raise GitorchError("gitorch mcp needs the MCP SDK: pip install 'gitorch[mcp]'") from None
    serve(Path.cwd())


@cli.command()
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


@cli.command()
@click.argument("track")
@click.option("--stop", "stop_first", is_flag=True, help="Stop its runner first.")
@click.option("--force", is_flag=True, help="Also drop another machine's claim on the remote.")
def release(track: str, stop_first: bool, force: bool) -> None:
    """Drop a track's claim; it becomes pending, its branch and worktree kept.

    Example: gitorch release E/1 --stop
    """
    from gitorch.commands.release import release as run_release

    click.echo(run_release(Path.cwd(), track, stop_first, force))


@cli.command()
@click.argument("track")
def approve(track: str) -> None:
    """Let a track that changes protected paths (land.protected) land as it is now.

    Example: gitorch approve E/1
    """
    from gitorch.commands.approve import approve as run_approve

    click.echo(run_approve(Path.cwd(), track))


@cli.command()
@click.option("--force", is_flag=True, help="Also remove worktrees with uncommitted changes.")
def clean(force: bool) -> None:
    """Drop stale claims; remove landed tracks' worktrees and branches.

    Example: gitorch clean
    """
    from gitorch.commands.clean import clean as run_clean

    for line in run_clean(Path.cwd(), force):
        click.echo(line)


@cli.command()
@click.argument("track")
@click.option("--wait", is_flag=True, help="Wait for the repair to end and say how it went.")
def repair(track: str, wait: bool) -> None:
    """Send a track land left out back to its agent: resolve a conflict or fix a red gate.

    Example: gitorch repair E/2 --wait
    """
    from gitorch.commands.repair import repair as run_repair

    lines, code = run_repair(Path.cwd(), track, wait)
    for line in lines:
        click.echo(line)
    sys.exit(code)


@cli.command()
@click.argument("track")
@click.option("--stop", "stop_first", is_flag=True, help="Stop its runner first.")
def discard(track: str, stop_first: bool) -> None:
    """Put a track back to pending: its worktree, branch and claim go, its wip ref stays.

    Example: gitorch discard E/2
    """
    from gitorch.commands.discard import discard as run_discard

    click.echo(run_discard(Path.cwd(), track, stop_first))


@cli.command("_runner", hidden=True)
@click.argument("track")
@click.option("--lock-fd", type=int, required=True)
@click.option("--repair", is_flag=True)
def runner(track: str, lock_fd: int, repair: bool) -> None:
    """Run one claimed track's phases (started by gitorch start, holding the lock fd).

    Example: (internal)
    """
    from gitorch.commands.runner import run

    sys.exit(run(Path.cwd(), track, lock_fd, repair))


@cli.command("run")
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
    _exit_on(trouble(summary))


@cli.command()
@click.option("--html", "html_file", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Write the report as one self-contained HTML page.")
@json_option
@click.option("--since", metavar="TIME", default=None,
              help="Report everything since TIME (2026-01-09T12:00, or 6h for 6 hours "
                   "ago) instead of the last gitorch run.")
def report(html_file: Path | None, as_json: bool, since: str | None) -> None:
    """Show what the last run did: a timeline per slot, each track's phases, totals.

    Read from what gitorch records as it goes, so it works on a run that is still
    going and on one that was killed.

    Example: gitorch report --html report.html
    """
    from gitorch.commands import report as command

    document = command.report(Path.cwd(), since)
    if html_file is not None:
        size = command.write_html(document, html_file)
        if not as_json:
            click.echo(f"Wrote {html_file} ({size / 1024:.0f} KB, "
                       f"{len(document.tracks)} tracks)")
    if as_json:
        emit_json(document.as_json())
    elif html_file is None:
        click.echo("\n".join(command.render(document)))


@cli.command()
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
    _exit_on(trouble(result.summary))


def _exit_on(problem: str | None) -> None:
    """Exit 1 with the one-line error when a run left work for a person."""
    if problem:
        click.echo(f"Error: {problem}", err=True)
        sys.exit(1)


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
