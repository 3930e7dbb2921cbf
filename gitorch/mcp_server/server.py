"""The MCP server: one tool per command, in the repository it was started in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError

from gitorch import __version__
from gitorch.mcp_server.tools import CommandFailed, flags, run_command

INSTRUCTIONS = """gitorch runs coding agents in parallel on the tracks of this repository's
roadmap, each in its own git worktree, and lands finished tracks onto main. Read the plan
with roadmap, follow the tracks with status, start agents with start, land with land."""


def build(repo: Path) -> MCPServer:
    """The server, its tools bound to repo."""
    server: MCPServer = MCPServer("gitorch", instructions=INSTRUCTIONS, version=__version__)

    def call(*args: str) -> dict[str, Any]:
        try:
            return run_command(repo, *args)
        except CommandFailed as failed:
            raise ToolError(str(failed)) from None

    @server.tool()
    def roadmap() -> dict[str, Any]:
        """How the plan was read: its form, every group and track with id, dependencies, state."""
        return call("roadmap", "--json")

    @server.tool()
    def status(no_fetch: bool = False) -> dict[str, Any]:
        """The groups, the tracks (state, phase, commits, runner, reason, next command)."""
        return call("status", "--json", *flags(no_fetch=no_fetch))

    @server.tool()
    def start(parallel: int | None = None, group: str | None = None,
              tracks: list[str] | None = None, dry_run: bool = False) -> dict[str, Any]:
        """Claim ready tracks and start one agent per track in the background."""
        return call("start", *flags(parallel=parallel, group=group, track=tracks,
                                    dry_run=dry_run))

    @server.tool()
    def stop(tracks: list[str] | None = None, every: bool = False) -> dict[str, Any]:
        """End the runners of the named tracks (or, with every, all and the scheduler)."""
        return call("stop", *(tracks or []), *flags(all=every))

    @server.tool()
    def logs(track: str, lines: int = 50) -> dict[str, Any]:
        """The last lines of a track's log (or of the test gate's: track "gate")."""
        return call("logs", track, *flags(lines=lines))

    @server.tool()
    def land(tracks: list[str] | None = None, dry_run: bool = False, no_push: bool = False,
             no_test: bool = False, keep: bool = False) -> dict[str, Any]:
        """Replay done tracks onto main in memory, run the test gate, push once."""
        return call("land", "--json", *(tracks or []),
                    *flags(dry_run=dry_run, no_push=no_push, no_test=no_test, keep=keep))

    @server.tool()
    def repair(track: str) -> dict[str, Any]:
        """Send a track land left out (conflict, red gate) back to its agent."""
        return call("repair", track)

    @server.tool()
    def send(track: str, message: str) -> dict[str, Any]:
        """Send a message to a track's agent: a phase that continues its session, after
        its current phase if it runs, else by a runner of its own."""
        return call("send", "--", track, message)  # a message may begin with a dash

    @server.tool()
    def approve(track: str) -> dict[str, Any]:
        """Let a needs-review track (it changes protected paths) land as its branch is now."""
        return call("approve", track)

    @server.tool()
    def discard(track: str, stop: bool = False) -> dict[str, Any]:
        """Put a track back to pending; its work is kept at its wip ref."""
        return call("discard", track, *flags(stop=stop))

    @server.tool()
    def report(since: str | None = None) -> dict[str, Any]:
        """What the last run did: timeline, phases, landings, totals."""
        return call("report", "--json", *flags(since=since))

    return server


def serve(repo: Path) -> None:
    """Serve on stdin and stdout until the client closes them."""
    build(repo).run("stdio")
