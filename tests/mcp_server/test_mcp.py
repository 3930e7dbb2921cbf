"""`gitorch mcp` driven by the MCP SDK's own stdio client through a whole cycle."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import anyio
from helpers import git, gitorch_exe, scripted_repo
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

ROADMAP = """# Plan

## Group A: Work

### Track 1: First
put one.txt one

### Track 2: Second
put two.txt two
"""


def document(result: Any) -> dict[str, Any]:
    assert not result.is_error, result.content
    if result.structured_content is not None:
        return dict(result.structured_content)
    return dict(json.loads(result.content[0].text))


async def cycle(repo: Path) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    server = StdioServerParameters(command=gitorch_exe(), args=["mcp"], cwd=str(repo),
                                   env=dict(os.environ))
    async with stdio_client(server) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        seen["tools"] = sorted(tool.name for tool in (await session.list_tools()).tools)
        seen["roadmap"] = document(await session.call_tool("roadmap", {}))
        seen["start"] = document(await session.call_tool("start", {"parallel": 2}))
        deadline = time.monotonic() + 60
        while True:
            status = document(await session.call_tool("status", {"no_fetch": True}))
            if all(t["state"] == "done" for t in status["tracks"]):
                break
            assert time.monotonic() < deadline, status
            await anyio.sleep(0.2)
        seen["land"] = document(await session.call_tool("land", {"no_push": True}))
        seen["status"] = document(await session.call_tool("status", {"no_fetch": True}))
        seen["error"] = await session.call_tool("logs", {"track": "Z/9"})
        seen["approve"] = await session.call_tool("approve", {"track": "A/1"})
        seen["send"] = await session.call_tool("send", {"track": "A/1", "message": "-n 1"})
    return seen


def test_a_whole_cycle_through_the_mcp_server(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, ROADMAP, remote=False)
    seen = anyio.run(cycle, repo)
    assert seen["tools"] == ["approve", "discard", "land", "logs", "repair", "report",
                             "roadmap", "send", "start", "status", "stop"]
    assert [t["id"] for t in seen["roadmap"]["groups"][0]["tracks"]] == ["A/1", "A/2"]
    assert any("A/1" in line for line in seen["start"]["output"])
    assert seen["land"]["landed"] == ["A/1", "A/2"]
    assert [(g["id"], g["done"]) for g in seen["status"]["groups"]] == [("A", True)]
    assert git(repo, "show", "main:two.txt") == "two\n"
    error = seen["error"]
    assert error.is_error
    # The SDK puts "Error executing tool logs: " before the command's own one line.
    assert error.content[0].text.endswith(
        ": ROADMAP.md has no track Z/9; gitorch status lists the tracks")
    # approve runs `gitorch approve ID`: a landed track waits for no review.
    assert seen["approve"].is_error
    assert seen["approve"].content[0].text.endswith(
        ": track A/1 does not wait for review (landed); gitorch status shows the tracks that do")
    # send runs `gitorch send -- ID MESSAGE`: a message that looks like an option is one.
    assert seen["send"].is_error
    assert seen["send"].content[0].text.endswith(
        ": track A/1 has landed; there is no agent to send to")


def test_without_the_sdk_gitorch_mcp_says_how_to_install_it(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, ROADMAP, remote=False)
    probe = ("import sys; sys.modules['mcp'] = None; sys.argv = ['gitorch', 'mcp']; "
             "from gitorch.entry import main; main()")
    done = subprocess.run([sys.executable, "-c", probe], cwd=repo, capture_output=True,
                          text=True, check=False)
    assert (done.returncode, done.stderr) == (
        1, "Error: gitorch mcp needs the MCP SDK: pip install 'gitorch[mcp]'\n")


def test_the_other_commands_never_load_the_sdk() -> None:
    probe = "import sys, gitorch.cli; print('mcp' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    assert done.stdout == "False\n"
