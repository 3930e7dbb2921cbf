"""Hostile numbers in gitorch's own files: each is range-checked where it is read.

A number out of range (huge, negative, a float, a bool, a string) makes its file damaged,
as a pid below 2 always did for track records; no command may crash on one (exit 3).
Each file kind gets its hostile numbers, then the real commands run on them.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
from pathlib import Path

from helpers import git, run_gitorch
from hostile import AGENT_CONFIG, TRACEBACK, new_repo, run_together

# Huge, negative, zero, a float, a bool, a string: one for each track of the roadmap.
HOSTILE: list[object] = [10**30, -7, 0, 3.5, True, "12"]
TRACKS = len(HOSTILE)
ROADMAP = ("# Roadmap\n\n## Group A: Numbers\n\n" + "".join(
    f"### Track {n}: Part {n}\nBuild part {n}.\n\n" for n in range(1, TRACKS + 1))).encode()
# Two phases, so that a track leaves a commit and fails; no retry, so `run` ends at once.
CONFIG = AGENT_CONFIG.replace("phases:\n", f"max_parallel: {TRACKS}\nrun:\n  retries: 0\n"
                              "phases:\n") + "  - name: review\n    prompt: 'Review {track}'\n"
FAIL = {"AGENT_FAIL_PHASE": "review"}
READERS = (("status",), ("status", "--json"), ("status", "-v"), ("report",),
           ("report", "--json"))
# For each round of hostile values: every reader of the file, in fewer processes.
ROUND = (("status",), ("status", "-v", "--json"), ("report", "--json"), ("stop", "--all"))


def state(repo: Path) -> Path:
    return repo / ".git" / "gitorch"


def key(n: int) -> str:
    return f"group_A_track_{n}"


def ran_once(tmp_path: Path) -> Path:
    """Every track ran once and failed in review: records, events, claims and logs exist."""
    repo = new_repo(tmp_path, ROADMAP, CONFIG)
    run_gitorch(repo, "init", check=True)
    done = run_gitorch(repo, "start", "--wait", env=FAIL)
    assert done.returncode == 1 and done.stdout.count("failed") == TRACKS, done.stdout
    return repo


def survives(done: subprocess.CompletedProcess[str], *codes: int) -> None:
    """Exit with one of codes (0 unless told), and no traceback anywhere."""
    assert done.returncode in (codes or (0,)), (done.args, done.returncode, done.stderr)
    assert TRACEBACK not in done.stdout + done.stderr


def assert_commands_survive(repo: Path) -> None:
    """status (every form), report, stop --all, then run: none crashes."""
    for done in run_together(repo, *READERS):
        survives(done)
    survives(run_gitorch(repo, "stop", "--all"))
    survives(run_gitorch(repo, "run", "--every", "0.3s", "--for", "2s", env=FAIL), 0, 1)
    assert not list(state(repo).glob("crash-*.log"))


def edit_record(repo: Path, n: int, **fields: object) -> None:
    path = state(repo) / "tracks" / f"{key(n)}.json"
    document = json.loads(path.read_text())
    document.update(fields)
    path.write_text(json.dumps(document))


def test_scheduler_record_with_hostile_pids(tmp_path: Path) -> None:
    repo = ran_once(tmp_path)
    for pid in HOSTILE:
        (state(repo) / "scheduler.json").write_text(json.dumps(
            {"pid": pid, "host": socket.gethostname(), "started_at": "2026-01-09T12:00:00Z"}))
        for done in run_together(repo, *ROUND):
            survives(done)
        document = json.loads(run_gitorch(repo, "status", "--json").stdout)
        assert document["scheduler"]["alive"] is False
    assert_commands_survive(repo)


def test_track_records_with_hostile_numbers(tmp_path: Path) -> None:
    """Track n's record gets hostile value n in every numeric field, one field a round."""
    repo = ran_once(tmp_path)
    for field in ("pid", "agent_pgid", "exit_code", "attempts", "repairs", "slot"):
        for n, value in enumerate(HOSTILE, 1):
            edit_record(repo, n, **{"state": "running", "host": socket.gethostname(),
                                    "pid": 4242, field: value})
        for done in run_together(repo, *ROUND):
            survives(done)
    assert_commands_survive(repo)


def test_usage_with_hostile_numbers(tmp_path: Path) -> None:
    repo = ran_once(tmp_path)
    for n, value in enumerate(HOSTILE, 1):
        edit_record(repo, n, usage={
            "work": {"input_tokens": value, "output_tokens": 1, "cached_tokens": 0,
                     "cost_usd": 0.5},
            "review": {"input_tokens": 10**30, "output_tokens": 10**400, "cached_tokens": 0,
                       "cost_usd": value}})
    # JSON has no infinity; Python writes and reads it all the same.
    edit_record(repo, 1, usage={"work": {"input_tokens": 1, "output_tokens": 1,
                                         "cached_tokens": 0, "cost_usd": float("inf")}})
    edit_record(repo, 2, usage={"work": {"input_tokens": 1, "output_tokens": 1,
                                         "cached_tokens": 0, "cost_usd": float("nan")}})
    assert_commands_survive(repo)


def test_claims_with_hostile_pids(tmp_path: Path) -> None:
    repo = ran_once(tmp_path)
    pids = ["1" + "0" * 30, "-7", "0", "3.5", "True", "9" * 5000]
    for n, pid in enumerate(pids, 1):
        ref = f"refs/gitorch/claims/A/{n}"
        message = git(repo, "log", "-1", "--format=%B", ref)
        hostile = re.sub(r"(?m)^pid: .*$", f"pid: {pid}", message)
        tree = git(repo, "rev-parse", f"{ref}^{{tree}}").strip()
        commit = subprocess.run(["git", "commit-tree", tree, "-F", "-"], cwd=repo, text=True,
                                input=hostile, capture_output=True, check=True).stdout.strip()
        git(repo, "update-ref", ref, commit)
    document = json.loads(run_gitorch(repo, "status", "--json").stdout)
    assert [claim["damaged"] for claim in document["claims"]] == [True] * TRACKS
    assert_commands_survive(repo)


def test_events_with_hostile_times(tmp_path: Path) -> None:
    repo = ran_once(tmp_path)
    times = ["1" + "0" * 30, "-7", "1e300", "-1e300", "1" + "0" * 5000, "nan"]
    before = commits(repo)
    for n, when in enumerate(times, 1):
        events = state(repo) / "events" / f"{key(n)}.log"
        commit = git(repo, "rev-parse", f"gitorch/A/{n}/part-{n}").strip()
        with events.open("a") as out:
            out.write(f"{when}\t{commit}\t0\tHostile time\n")
    assert commits(repo) == before, "a line with no commit time counted as a commit"
    assert_commands_survive(repo)


def commits(repo: Path) -> dict[str, int]:
    """Each track's commits as `report --json` counts them from the hook's events."""
    done = run_gitorch(repo, "report", "--json")
    survives(done)
    return {track["id"]: track["commits"] for track in json.loads(done.stdout)["tracks"]}


def test_landing_journal_with_hostile_numbers(tmp_path: Path) -> None:
    repo = ran_once(tmp_path)
    main = git(repo, "rev-parse", "main").strip()
    journals: list[dict[str, object]] = [
        {"local_old": value, "remote_old": None, "new": value, "tracks": {"A/1": value},
         "time": value} for value in HOSTILE]
    journals += [{"local_old": main, "remote_old": 7, "new": main, "tracks": 10**30},
                 {"local_old": main, "new": main}]
    journal = state(repo) / "landing.json"
    for document in journals:
        journal.write_text(json.dumps(document))
        for done in run_together(repo, ("status", "--json"), ("land", "--no-push")):
            survives(done, 0, 1)
        assert not journal.exists(), "land left a damaged journal for status to show forever"
    journal.write_text(json.dumps(journals[0]))
    assert_commands_survive(repo)


def test_logs_with_hostile_numbers(tmp_path: Path) -> None:
    """runs.log as gitorch writes it, and a track log where an agent mimics gitorch's lines."""
    repo = ran_once(tmp_path)
    huge = "9" * 5000
    with (state(repo) / "runs.log").open("a") as runs:
        for parallel in (huge, "1" + "0" * 30, "1000000000", "-7", "3.5"):
            runs.write(f"2026-01-09T12:00:00.000+0000 run start pid=1 every=1s for=1s "
                       f"parallel={parallel}\n")
        for n, slot in enumerate((huge, "1000000000", "-7", "3.5", "True", "0"), 1):
            runs.write(f"2026-01-09T12:00:01.000+0000 start A/{n} pid={huge} branch=b "
                       f"slot={slot}\n")
    for n, code in enumerate((huge, "1" + "0" * 30, "-7000", "3.5", "True", "0"), 1):
        with (state(repo) / "logs" / f"{key(n)}.log").open("a") as log:
            log.write(f"2026-01-09 12:00:02.000 [A/{n}] Phase work exited {code}\n")
    assert_commands_survive(repo)


def test_left_out_and_pull_request_files_with_hostile_numbers(tmp_path: Path) -> None:
    """What land wrote about a left-out track or an open pull request, numbers for names."""
    repo = ran_once(tmp_path)
    for folder in ("left-out", "pull-requests"):
        (state(repo) / folder).mkdir(exist_ok=True)
    for n, value in enumerate(HOSTILE, 1):
        edit_record(repo, n, state="conflict")
        (state(repo) / "left-out" / f"{key(n)}.json").write_text(json.dumps(
            {"kind": "conflict", "onto": value, "tip": value, "paths": [value],
             "output": value}))
        (state(repo) / "pull-requests" / f"{n}.json").write_text(json.dumps(
            {"branch": f"gitorch/land/{n}", "head": "0" * 40, "base": "main",
             "tracks": [value, f"A/{n}"], "title": value, "url": value, "opened": value}))
    for done in run_together(repo, ("land", "--no-push"), ("status", "--json")):
        survives(done, 0, 1)
    assert_commands_survive(repo)
