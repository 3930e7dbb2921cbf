"""The page of a real run in a real headless Chromium: live, with diffs, approve and land."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from browser import ARTIFACTS, Tab, needs_chromium
from helpers import git, run_gitorch, scripted_repo, wait_messages_done
from serving import served, snapshot

pytestmark = [needs_chromium, pytest.mark.slow]

ROADMAP = """# Plan

## Group A: Review

### Track 1: Waits for the test
wait {go}
put one.txt one

### Track 2: Never approved
put two.txt two

### Track 3: A large change
lines big.txt 3000
put three.txt three
"""


def state_of(track: str) -> str:
    return f"document.querySelector('tr[data-track=\"{track}\"]')?.dataset.state"


def click(tab: Tab, selector: str) -> None:
    assert tab.eval(f"(() => {{ const e = document.querySelector({json.dumps(selector)}); "
                    "e && e.click(); return Boolean(e); })()"), selector


def message(tab: Tab, text: str) -> str:
    """The page's message line, once it holds text."""
    shown = "document.getElementById('message').textContent"
    try:
        return str(tab.wait_for(f"(m => m.includes({json.dumps(text)}) && m)({shown})",
                                timeout=60))
    except AssertionError:
        raise AssertionError(f"{text!r} never shown; the page says: {tab.eval(shown)!r}"
                             ) from None


def shoot(tab: Tab, moment: str) -> None:
    """The page at that moment, on a laptop and on a phone, kept in artifacts/web/."""
    for width, height in ((1280, 800), (390, 844)):
        tab.screenshot(ARTIFACTS / "web" / f"serve-{moment}-{width}x{height}.png", width, height)
    tab.size(1280, 800)


def test_a_run_reviewed_and_landed_from_the_page(tmp_path: Path) -> None:
    go = tmp_path / "go"
    repo = scripted_repo(tmp_path, ROADMAP.format(go=go),
                         extra_config="land:\n  approve: true\n")
    tab = Tab(tmp_path)
    try:
        with served(repo) as server:
            tab.open(server.url)
            tab.wait_for(f"{state_of('A/3')} === 'pending'")
            tab.eval("window.sameLoad = true")
            run_gitorch(repo, "start", check=True)
            # Live: the page follows the run without a reload.
            tab.wait_for(f"{state_of('A/1')} === 'running' && {state_of('A/3')} === 'done'")
            assert tab.eval("location.search") == ""  # the token left the address bar

            click(tab, 'tr[data-track="A/3"]')
            shown = tab.wait_for("[...document.querySelectorAll('#diff details.file')]"
                                 ".map(d => [d.dataset.path, d.open])")
            assert shown == [["big.txt", False], ["three.txt", True]]
            assert tab.eval("document.querySelector('details[data-path=\"three.txt\"] .add')"
                            ".textContent") == "+three\n"
            tab.eval("document.querySelector('details[data-path=\"big.txt\"]').open = true")
            assert tab.wait_for("document.querySelectorAll('details[data-path=\"big.txt\"] "
                                ".add').length") == 3000
            tab.wait_for("document.getElementById('log').textContent.includes('[A/3] ')")
            shoot(tab, "running")

            # A POST the page did not sign is refused and changes nothing.
            before = snapshot(repo)
            forged = ("fetch('/api/land', {method: 'POST', body: '{\"tracks\": []}'})"
                      ".then(r => r.status)")
            assert tab.eval(forged) == 403
            assert snapshot(repo) == before

            # The log of a running track follows it to its end.
            click(tab, 'tr[data-track="A/1"]')
            log = "document.getElementById('log')?.textContent ?? ''"
            tab.wait_for(f"({log}).includes('[A/1] Agent: scripted.sh')")
            assert "ended" not in tab.eval(log)
            go.touch()
            tab.wait_for(f"({log}).includes('[A/1] Track A/1 ended: done')")
            tab.wait_for(f"{state_of('A/1')} === 'done'")
            assert tab.eval("window.sameLoad") is True
            for track in ("A/1", "A/3"):
                click(tab, f'tr[data-track="{track}"]')
                tab.wait_for(f"document.querySelector('#facts')?.dataset.track === '{track}'")
                click(tab, '#detail button[data-action="approve"]')
                message(tab, f"Approved {track} at ")
            # Land selected: only the ticked A/2, which waits for its approval still.
            click(tab, 'tr[data-track="A/2"] input[type="checkbox"]')
            click(tab, 'button[data-action="land"][data-scope="chosen"]')
            message(tab, "✗ A/2 is not approved yet")
            assert "✓" not in tab.eval("document.getElementById('message').textContent")
            click(tab, 'button[data-action="land"][data-scope="all"]')
            said = message(tab, "pushed")
            assert "✓ A/1 landed" in said and "✓ A/3 landed" in said
            assert "A/2" not in said
            tab.wait_for(f"{state_of('A/1')} === 'landed' && {state_of('A/2')} === "
                         "'needs-review'")
            assert tab.eval("({...document.getElementById('progress').dataset})") == {
                "landed": "2", "total": "3"}
            click(tab, 'tr[data-track="A/2"]')
            tab.wait_for("document.getElementById('facts')?.textContent.includes("
                         "'gitorch approve A/2')")
            tab.wait_for("Boolean(document.querySelector('#diff details[data-path=\"two.txt\"]'))")
            shoot(tab, "landed")
            click(tab, 'tr[data-track="A/1"]')
            tab.wait_for("document.getElementById('diff')?.textContent === "
                         "'Its branch is gone (landed): its changes are on main.'")
    finally:
        tab.close()
    landed = git(repo, "ls-tree", "--name-only", "origin/main").split()
    assert {"one.txt", "three.txt", "big.txt"} <= set(landed)
    assert "two.txt" not in landed


def test_a_message_typed_on_the_page_goes_to_the_tracks_agent(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, "# Plan\n\n## Group A: Steer\n\n### Track 1: One\n"
                                   "put one.txt one\n")
    run_gitorch(repo, "start", "--wait", check=True)
    tab = Tab(tmp_path)
    try:
        with served(repo) as server:
            tab.open(server.url)
            tab.wait_for(f"{state_of('A/1')} === 'done'")
            click(tab, 'tr[data-track="A/1"]')
            tab.wait_for("document.querySelector('#facts')?.dataset.track === 'A/1'")
            tab.eval("document.getElementById('send-text').focus()")
            tab.call("Input.insertText", text="put more.txt more")
            tab.call("Input.dispatchKeyEvent", type="keyDown", key="Enter", code="Enter",
                     windowsVirtualKeyCode=13)
            message(tab, "Sent to A/1 (done): a runner (PID ")
            tab.wait_for("document.getElementById('send-text').value === ''")
            tab.wait_for("document.getElementById('log').textContent.includes("
                         "'Phase message of Track A/1')")
            tab.wait_for("Boolean(document.querySelector('#diff details[data-path=\"more.txt\"]'))")
            shoot(tab, "sent")
            # An empty message is refused with its one line, and nothing is queued.
            click(tab, '#detail button[data-action="send"]')
            message(tab, "Error: the message is empty: type what the agent should do")
    finally:
        tab.close()
    wait_messages_done(repo)
