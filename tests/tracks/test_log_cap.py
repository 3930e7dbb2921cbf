"""logs.max_size: a chatty agent's log keeps each phase's start and its latest output."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from itertools import pairwise
from pathlib import Path

from helpers import agent_repo, gitorch_exe, run_gitorch, scripted_repo, wait_ended

ONE_TRACK = "# Roadmap\n\n## Group A: One\n\n### Track 1: Alpha\nFirst.\n"
CAP = 8 * 1024
DROPPED = re.compile(r"----- (\d+) lines? \((\d+) bytes\) dropped here")


def chatty_repo(tmp_path: Path, one_phase: bool = False) -> Path:
    phases = "phases:\n  - {name: work, prompt: go}\n" if one_phase else ""
    return agent_repo(tmp_path / "repo", ONE_TRACK, "chatty.sh",
                      f"logs:\n  max_size: {CAP // 1024}KB\n{phases}")


def test_the_log_stays_under_the_cap_keeping_starts_and_ends(tmp_path: Path) -> None:
    repo = chatty_repo(tmp_path)
    run_gitorch(repo, "start", "--wait", check=True)
    log = repo / ".git" / "gitorch" / "logs" / "group_A_track_1.log"
    assert log.stat().st_size <= CAP
    lines = run_gitorch(repo, "logs", "A/1", "-n", "100000", check=True).stdout.splitlines()
    text = "\n".join(lines)
    for index, phase in enumerate(("work", "review", "commit"), 1):  # gitorch's own lines
        assert f"] ===== Phase {phase} ({index}/3) of Track A/1: Alpha =====\n" in text
        assert f"] Phase {phase} exited 0\n" in text
    # The phase before ended so, and the last one began and ended so.
    for words in ("last words of review", "first words of commit", "last words of commit"):
        assert f"] {words}\n" in text
    assert lines[-1].endswith("[A/1] Track A/1 ended: done")
    # Lines go missing only where a line says how many: between two kept lines of a phase's
    # count, the numbers skipped are exactly those dropped.
    previous, gap = 0, 0
    for line in lines:
        found = DROPPED.search(line)
        if found:
            gap += int(found[1])
        elif " chatter " in line:
            number = int(line.split(" chatter ")[1])
            skipped = number - previous - 1
            assert gap == skipped if previous else gap >= skipped
            previous, gap = number, 0
        elif "] ===== Phase " in line:
            previous, gap = 0, 0
    assert any(DROPPED.search(line) for line in lines)
    assert "logs.max_size (8KB)" in text


def follow(repo: Path, tmp_path: Path, env: dict[str, str]) -> list[str]:
    """What `gitorch logs A/1 -f` prints while A/1 runs to its end."""
    go = tmp_path / "go"
    run_gitorch(repo, "start", "-t", "A/1", env={"AGENT_GO": str(go), **env}, check=True)
    log = repo / ".git" / "gitorch" / "logs" / "group_A_track_1.log"
    while not log.exists():
        time.sleep(0.01)
    follower = subprocess.Popen([gitorch_exe(), "logs", "A/1", "-f"], cwd=repo,
                                stdout=subprocess.PIPE, text=True)
    assert follower.stdout is not None
    # Its first line (the runner's, before the agent's go) says it follows: only then may
    # the agent begin, or a slow start would show only the last lines, as logs -f does.
    first = follower.stdout.readline()
    go.touch()
    rest, _ = follower.communicate(timeout=60)
    out = first + rest
    assert wait_ended(repo, "A/1")["state"] == "done"
    lines = out.splitlines()
    assert lines[-1].endswith("[A/1] Track A/1 ended: done")
    return lines


def test_logs_follow_carries_on_across_cuts_missing_nothing(tmp_path: Path) -> None:
    repo = chatty_repo(tmp_path, one_phase=True)
    # Bursts of about half the cap, a pause between: a cut in each, the follower keeps up.
    lines = follow(repo, tmp_path, {"AGENT_LINES": "800", "AGENT_BURST": "100",
                                    "AGENT_PAUSE": "0.25"})
    chatter = [int(line.split(" chatter ")[1]) for line in lines if " chatter " in line]
    assert chatter == list(range(1, 801))
    assert not any(DROPPED.search(line) for line in lines)
    log = repo / ".git" / "gitorch" / "logs" / "group_A_track_1.log"
    assert DROPPED.search(log.read_text())  # the file itself was cut


def test_logs_follow_keeps_up_with_a_flood(tmp_path: Path) -> None:
    lines = follow(chatty_repo(tmp_path), tmp_path, {})
    # Lines cut before the follower read them are gone, and it says so; it shows no line
    # twice or out of order, and follows the runner to its end.
    numbers = [int(line.split(" chatter ")[1]) for line in lines if " chatter " in line]
    # A count starts again only with a new phase (whether the follower saw any of a phase's
    # count depends on how far the cuts ran ahead of it).
    assert sum(1 for a, b in pairwise(numbers) if b <= a) <= 2
    said = [line for line in lines if line.startswith("(gitorch logs:")]
    assert set(said) <= {"(gitorch logs: lines were dropped from the log while it was followed)"}
    assert len(lines) - len(said) == len(set(lines) - set(said))


def test_a_gate_that_prints_a_lot_is_capped_in_its_log_and_the_tracks(tmp_path: Path
                                                                      ) -> None:
    gate = ('land:\n  test_command: ["sh", "-c", "seq 1 5000; test ! -e bad.txt"]\n'
            f"logs:\n  max_size: {CAP // 1024}KB\n")
    repo = scripted_repo(tmp_path, ONE_TRACK.replace("First.", "put bad.txt oops"),
                         remote=False, extra_config=gate)
    run_gitorch(repo, "start", "--wait", check=True)
    assert json.loads(run_gitorch(repo, "land", "--json").stdout)["gate_failed"] == ["A/1"]
    gate_log = repo / ".git" / "gitorch" / "logs" / "gate.log"
    assert gate_log.stat().st_size <= CAP
    assert "lines (" in gate_log.read_text() and "dropped here" in gate_log.read_text()
    assert gate_log.read_text().splitlines()[-1] == "5000"
    track_log = repo / ".git" / "gitorch" / "logs" / "group_A_track_1.log"
    assert track_log.stat().st_size <= CAP
    assert "Test gate failed with Track A/1" in track_log.read_text()


def test_the_runners_own_output_goes_to_the_log_after_a_cut(tmp_path: Path) -> None:
    repo = chatty_repo(tmp_path, one_phase=True)
    hold = tmp_path / "hold"
    run_gitorch(repo, "start", "-t", "A/1", env={"AGENT_HOLD": str(hold)}, check=True)
    log = repo / ".git" / "gitorch" / "logs" / "group_A_track_1.log"
    record = repo / ".git" / "gitorch" / "tracks" / "group_A_track_1.json"
    deadline = time.monotonic() + 30
    while "last words of work" not in (log.read_text() if log.exists() else ""):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    pid = json.loads(record.read_text())["pid"]
    try:
        for fd in (1, 2):  # not the file the cut replaced, which is gone
            assert os.readlink(f"/proc/{pid}/fd/{fd}") == str(log)
    finally:
        hold.touch()
    assert wait_ended(repo, "A/1")["state"] == "done"


def test_lines_longer_than_the_cap_do_not_keep_the_log_over_it(tmp_path: Path) -> None:
    repo = agent_repo(tmp_path / "repo", ONE_TRACK, "noisy.sh", "logs:\n  max_size: 4KB\n")
    run_gitorch(repo, "start", "--wait", check=True)  # a 200 KB line in each phase
    log = repo / ".git" / "gitorch" / "logs" / "group_A_track_1.log"
    assert log.stat().st_size <= 4096
    text = log.read_text(errors="replace")
    assert "] Phase commit exited 0\n" in text and text.endswith("Track A/1 ended: done\n")
