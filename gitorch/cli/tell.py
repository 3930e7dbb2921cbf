"""Commands that tell people and tools what happened: report, notify, mcp, serve."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from gitorch.cli.options import json_option
from gitorch.errors import GitorchError
from gitorch.output import emit_json


@click.command()
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


@click.command()
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


@click.command()
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


@click.command()
@click.option("--port", "-p", type=click.IntRange(0, 65535), default=0,
              help="The port on 127.0.0.1 (default: a free one).")
def serve(port: int) -> None:
    """Serve a live page of the run on 127.0.0.1, with buttons to land, approve, repair,
    stop, discard and release tracks.

    Open the address it prints: it carries the token every request needs.

    Example: gitorch serve --port 8470
    """
    from gitorch.commands.serve import serve as run_serve

    run_serve(Path.cwd(), port, click.echo)
