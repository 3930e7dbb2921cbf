"""`gitorch serve` as any client sees it: the token, the origin, the track ids, the answers."""

from __future__ import annotations

import http.client
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from helpers import git, read_json_file, run_gitorch, scripted_repo, wait_messages_done
from serving import Served, served, snapshot

ROADMAP = ("# Plan\n\n## Group A: Work\n\n### Track 1: First\nput one.txt one\n\n"
           "### Track 2: Second\nput two.txt two\n")


@pytest.fixture
def done_repo(tmp_path: Path) -> Path:
    repo = scripted_repo(tmp_path, ROADMAP, extra_config="land:\n  approve: true\n")
    run_gitorch(repo, "start", "--wait", check=True)
    return repo


def test_requests_without_the_right_token_or_origin_change_nothing(done_repo: Path) -> None:
    with served(done_repo) as server:
        before = snapshot(done_repo)
        good = {"X-Gitorch-Token": server.token}
        refused = [
            server.ask("/api/approve", {"tracks": ["A/1"]}),
            server.ask("/api/approve", {"tracks": ["A/1"]}, {"X-Gitorch-Token": "guess"}),
            server.ask("/api/approve", {"tracks": ["A/1"]},
                       {**good, "Origin": "http://evil.example"}),
            server.ask("/api/approve", {"tracks": ["A/1"]}, {**good, "Host": "evil.example"}),
            server.ask("/api/land", {"tracks": []}),
            server.ask("/api/state"),
            server.ask("/api/diff?track=A/1"),
            server.ask("/?token=guess"),
        ]
        assert [status for status, _ in refused] == [403] * len(refused)
        assert refused[0][1] == {"error": "the token is missing or wrong: open the address "
                                          "gitorch serve printed"}
        unknown = [server.post("approve", ["Z/9"]), server.post("land", ["A/1", "Z/9"]),
                   server.ask("/api/diff?track=Z/9", headers=good),
                   server.ask("/api/log?track=../../etc", headers=good),
                   server.ask("/api/merge", {"tracks": []}, good)]
        assert [status for status, _ in unknown] == [404] * len(unknown)
        assert unknown[0][1] == {"error": "ROADMAP.md has no track Z/9; gitorch status lists "
                                          "the tracks"}
        assert snapshot(done_repo) == before
        # The same request with the token does what the command does.
        assert server.post("approve", ["A/1"])[0] == 200
        assert snapshot(done_repo) != before


def test_a_refused_request_leaves_its_connection_clean(done_repo: Path) -> None:
    with served(done_repo) as server:
        connection = http.client.HTTPConnection(urlsplit(server.base).netloc, timeout=60)
        connection.request("POST", "/api/land", body=b'{"tracks": []}')
        refused = connection.getresponse()
        assert (refused.status, refused.read()) == (403, b'{"error": "the token is missing or '
                                                          b'wrong: open the address gitorch '
                                                          b'serve printed"}')
        # The same connection's next request is read as itself, not after the body above.
        connection.request("GET", "/api/diff?track=A/1",
                           headers={"X-Gitorch-Token": server.token})
        answer = connection.getresponse()
        assert (answer.status, json.loads(answer.read())["files"][0]["path"]) == (200,
                                                                                  "one.txt")
        connection.close()


def test_the_token_is_printed_and_kept_for_its_owner_only(done_repo: Path) -> None:
    kept = done_repo / ".git" / "gitorch" / "serve.token"
    with served(done_repo) as server:
        assert kept.read_text() == server.token + "\n"
        assert kept.stat().st_mode & 0o777 == 0o600
        status, page = _page(server)
        assert status == 200 and "<script>" in page and "http" not in page.split("<body>")[1]
    assert not kept.exists()


def _page(server: Served) -> tuple[int, str]:
    import urllib.request

    with urllib.request.urlopen(server.url, timeout=30) as answer:
        return answer.status, answer.read().decode()


def test_actions_answer_with_the_commands_lines_and_errors(done_repo: Path) -> None:
    with served(done_repo) as server:
        status, state = server.ask("/api/state", headers={"X-Gitorch-Token": server.token})
        cli = json.loads(run_gitorch(done_repo, "status", "--json", "--no-fetch",
                                     check=True).stdout)
        assert status == 200
        assert [(t["id"], t["state"]) for t in state["tracks"]] == [
            (t["id"], t["state"]) for t in cli["tracks"]]
        assert server.post("land", []) == (200, {"lines": [
            "✗ A/1 is not approved yet: it waits for gitorch approve A/1",
            "✗ A/2 is not approved yet: it waits for gitorch approve A/2",
            "Nothing to land."]})
        said = run_gitorch(done_repo, "repair", "A/2")
        assert said.returncode == 1
        assert server.post("repair", ["A/2"]) == (409, {"error": said.stderr.removeprefix(
            "Error: ").rstrip("\n")})
        assert server.post("stop", []) == (400, {"error": "choose a track to stop"})
        whole = (done_repo / ".git/gitorch/logs/group_A_track_1.log").read_text()
        key = {"X-Gitorch-Token": server.token}
        first = server.ask("/api/log?track=A/1", headers=key)[1]
        assert (first["start"], first["text"]) == (0, whole)
        assert server.ask(f"/api/log?track=A/1&offset={first['offset']}", headers=key)[1][
            "text"] == ""
        # Asked past its end (the log was cut short meanwhile): it starts again.
        assert server.ask("/api/log?track=A/1&offset=99999999", headers=key)[1]["start"] == 0
        stopped = server.post("stop", ["A/1"])
        assert stopped[0] == 200 and stopped[1]["lines"][0].startswith(
            "Not running: A/1 (needs-review)")
        assert server.post("release", ["A/1"])[1]["lines"][0].startswith("Released A/1")
        assert server.post("discard", ["A/2"])[1]["lines"][0].startswith("Discarded A/2: it is "
                                                                         "pending again")
        assert server.ask("/api/diff?track=A/2", headers={"X-Gitorch-Token": server.token}
                          )[1] == {"branch": None, "files": [], "cut": False, "state": "pending"}
    states = json.loads(run_gitorch(done_repo, "status", "--json", "--no-fetch",
                                    check=True).stdout)["tracks"]
    assert [(t["id"], t["state"]) for t in states] == [("A/1", "pending"), ("A/2", "pending")]


def test_send_gives_the_message_to_the_tracks_agent(done_repo: Path) -> None:
    queue = done_repo / ".git" / "gitorch" / "messages" / "group_A_track_1.json"
    with served(done_repo) as server:
        key = {"X-Gitorch-Token": server.token}
        before = snapshot(done_repo)
        refused = [
            server.ask("/api/send", {"tracks": ["A/1"], "message": "put more.txt more"}),
            server.ask("/api/send", {"tracks": ["Z/9"], "message": "put more.txt more"}, key),
            server.ask("/api/send", {"tracks": ["A/1"], "message": "  "}, key),
            server.ask("/api/send", {"tracks": ["A/1"]}, key),
            server.ask("/api/send", {"tracks": ["A/1"], "message": "x" * 8001}, key),
        ]
        assert [status for status, _ in refused] == [403, 404, 400, 400, 400]
        assert refused[2][1] == refused[3][1] == {
            "error": "the message is empty: type what the agent should do"}
        assert refused[4][1] == {"error": "the message is 8001 characters long; at most 8000 "
                                          "are sent"}
        assert snapshot(done_repo) == before and not queue.exists()
        status, said = server.ask("/api/send", {"tracks": ["A/1"],
                                                "message": "put more.txt more"}, key)
        assert status == 200
        assert said["lines"][0].startswith("Sent to A/1 (done): a runner (PID ")
        wait_messages_done(done_repo, "A/1")
    log = (done_repo / ".git/gitorch/logs/group_A_track_1.log").read_text()
    assert "Phase message of Track A/1" in log and "Message: put more.txt more" in log
    branch = read_json_file(done_repo / ".git/gitorch/tracks/group_A_track_1.json")["branch"]
    assert git(done_repo, "show", f"{branch}:more.txt") == "more\n"


def test_the_other_commands_never_load_the_web_server() -> None:
    probe = ("import sys, gitorch.cli; "
             "print(sorted(m for m in sys.modules if m.startswith(('gitorch.web', 'http'))))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    assert done.stdout == "[]\n"


def test_a_port_in_use_is_one_line(done_repo: Path) -> None:
    with served(done_repo) as server:
        port = urlsplit(server.base).port
        taken = run_gitorch(done_repo, "serve", "--port", str(port))
    assert (taken.returncode, taken.stderr) == (1, (
        f"Error: cannot listen on 127.0.0.1:{port} (Address already in use); gitorch serve "
        "--port N picks another port\n"))


def test_a_remote_that_is_gone_is_said_and_waited_for_by_no_poll(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, ROADMAP)
    shutil.rmtree(tmp_path / "remote.git")
    with served(repo) as server:
        deadline = time.monotonic() + 30
        while True:
            status, state = server.ask("/api/state", headers={"X-Gitorch-Token": server.token})
            assert status == 200
            if state["warning"]:
                break
            assert time.monotonic() < deadline
            time.sleep(0.1)
    assert state["warning"].endswith("; showing origin/main as last fetched (never)")
