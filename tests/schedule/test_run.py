"""`gitorch run`: the scheduler on real repositories, runners, agents and a bare remote."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

from helpers import (
    FOUR_TRACKS,
    agent_repo,
    background_run,
    git,
    gitorch_exe,
    read_json_file,
    run_gitorch,
    scripted_repo,
)

from gitorch.roadmap.reader import parse
from gitorch.schedule.snapshot import Snapshot, landing_helps, startable
from gitorch.tracks.records import TrackRecord

THREE_GROUPS = """# Plan

## Group A: Base

### Track 1: Alpha
put a.txt alpha

### Track 2: Beta
put b.txt beta

## Group B: Middle

### Track 1: Gamma
put c.txt gamma

### Track 2: Delta
Depends on: Track 1
put d.txt delta

## Group C: Top

### Track 1: Epsilon
put e.txt epsilon
"""

FLAKY = """# Plan

## Group A: Base

### Track 1: Good
put a.txt alpha

### Track 2: Flaky
fail

## Group B: Later

### Track 1: Next
put b.txt b
"""


def state_dir(repo: Path) -> Path:
    return repo / ".git" / "gitorch"


def record(repo: Path, track: str) -> dict[str, object] | None:
    path = state_dir(repo) / "tracks" / "group_{}_track_{}.json".format(*track.split("/"))
    return read_json_file(path) if path.exists() else None


def wait_until(what: str, test: object, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not test():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def wait_running(repo: Path, tracks: list[str]) -> dict[str, int]:
    """Wait until each track's runner has started; return their PIDs."""
    def running() -> bool:
        return all((record(repo, t) or {}).get("state") == "running" for t in tracks)

    wait_until(f"{tracks} to run", running)
    return {t: int(str((record(repo, t) or {})["pid"])) for t in tracks}


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_three_groups_driven_to_done_with_few_pushes(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, THREE_GROUPS)
    done = run_gitorch(repo, "run", "--every", "30s", check=True)
    out = done.stdout
    for line in ("Starting on Group A, Track 1: Alpha", "Starting on Group A, Track 2: Beta",
                 "Starting on Group B, Track 1: Gamma", "Starting on Group B, Track 2: Delta",
                 "Starting on Group C, Track 1: Epsilon", "The roadmap is done."):
        assert line in out, out
    # A lands once its group is done, B/1 as soon as B/2 can use it, then B, then C.
    assert "5 tracks landed, 0 failed, 0 conflicts, 4 pushes" in out, out
    remote = tmp_path / "remote.git"
    assert git(remote, "rev-parse", "main") == git(repo, "rev-parse", "main")
    for name, text in {"a": "alpha", "b": "beta", "c": "gamma", "d": "delta",
                       "e": "epsilon"}.items():
        assert git(remote, "show", f"main:{name}.txt") == f"{text}\n"
    assert git(remote, "rev-list", "--merges", "main") == ""
    roadmap = git(remote, "show", "main:ROADMAP.md")
    headings = [line for line in roadmap.splitlines() if line.startswith("##")]
    assert len(headings) == 8 and all(line.endswith(" ✅") for line in headings), headings
    runs_log = (state_dir(repo) / "runs.log").read_text()
    assert " run start pid=" in runs_log and " run tick " in runs_log
    assert runs_log.splitlines()[-1].split()[1:4] == ["run", "end", "done"]
    assert not (state_dir(repo) / "scheduler.json").exists()


def test_failed_track_is_retried_then_left_failed_and_the_rest_lands(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, FLAKY, extra_config="run:\n  retries: 1\n")
    done = run_gitorch(repo, "run", "--every", "0.3s")
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stderr == "Error: the run left work for a person: A/2 failed " \
        "(see gitorch status)\n"
    assert "Retrying Group A, Track 2: Flaky (attempt 2 of 2)" in done.stdout
    assert "1 track landed, 1 failed, 0 conflicts" in done.stdout
    assert "B/1 waits on Group A" in done.stdout
    assert git(tmp_path / "remote.git", "show", "main:a.txt") == "alpha\n"
    flaky = record(repo, "A/2")
    assert flaky is not None and flaky["state"] == "failed" and flaky["attempts"] == 2
    assert record(repo, "B/1") is None
    runs_log = (state_dir(repo) / "runs.log").read_text().splitlines()
    assert sum(line.split()[1:3] == ["start", "A/2"] for line in runs_log) == 2
    assert runs_log[-1].split()[1:4] == ["run", "end", "stuck"]


def test_killed_run_is_adopted_and_no_track_runs_twice(tmp_path: Path) -> None:
    repo = agent_repo(tmp_path / "repo")
    runs = tmp_path / "runs.txt"
    env = {"AGENT_RUNS": str(runs), "AGENT_SLEEP": "1.2"}
    with background_run(repo, "--every", "0.5s", env=env) as first:
        pids = wait_running(repo, ["A/1", "A/2", "A/3", "A/4"])
        first.send_signal(signal.SIGKILL)
        first.wait()
        assert all(alive(pid) for pid in pids.values())
        again = run_gitorch(repo, "run", "--every", "0.5s", env=env, check=True)
    assert "Adopting 4 running tracks: A/1, A/2, A/3, A/4" in again.stdout
    assert "Starting on Group A, Track 1" not in again.stdout
    assert "Starting on Group A, Track 5: Tests" in again.stdout
    assert sorted(runs.read_text().splitlines()) == sorted(
        f"A/{n} {phase}" for n in range(1, 6) for phase in ("work", "review", "commit"))
    assert "The roadmap is done." in again.stdout
    assert all(git(repo, "show", f"main:track-A-{n}.txt") == f"work on A/{n}\n"
               for n in range(1, 6))


def test_for_limit_starts_nothing_new_and_lets_running_tracks_finish(tmp_path: Path) -> None:
    repo = agent_repo(tmp_path / "repo")
    done = run_gitorch(repo, "run", "--for", "1s", "--every", "0.3s", "--parallel", "2",
                       env={"AGENT_SLEEP": "0.5"}, check=True)
    assert "Time is up: starting nothing new; waiting for running tracks" in done.stdout
    assert "2 tracks landed, 0 failed" in done.stdout
    assert "Time is up (--for)" in done.stdout
    assert record(repo, "A/3") is None and record(repo, "A/4") is None


def test_for_limit_with_hard_stop_stops_running_tracks(tmp_path: Path) -> None:
    repo = agent_repo(tmp_path / "repo")
    done = run_gitorch(repo, "run", "--for", "0.5s", "--hard-stop", "--grace", "0.5s",
                       "--every", "0.3s", "--parallel", "2", env={"AGENT_SLEEP": "30"},
                       check=True)
    assert "stopping running tracks in 0.5s" in done.stdout
    assert "stopped: A/1, A/2" in done.stdout
    for track in ("A/1", "A/2"):
        stopped = record(repo, track)
        assert stopped is not None and stopped["state"] == "stopped"
        # No pid: stopped before its runner began (a slow machine), which it then respects.
        assert stopped["pid"] is None or not alive(int(str(stopped["pid"])))


def test_second_run_names_the_first_and_sigterm_leaves_runners(tmp_path: Path) -> None:
    repo = agent_repo(tmp_path / "repo")
    with background_run(repo, "--every", "0.5s", env={"AGENT_SLEEP": "30"}) as first:
        pids = wait_running(repo, ["A/1", "A/2", "A/3", "A/4"])
        second = run_gitorch(repo, "run")
        assert second.returncode == 1
        assert second.stderr == f"Error: another gitorch run is running here (PID " \
            f"{first.pid}); stop it with gitorch stop --all, or wait for it\n"
        first.send_signal(signal.SIGTERM)
        out, _ = first.communicate(timeout=30)
        assert first.returncode == 0
        assert "4 runners keep running (A/1, A/2, A/3, A/4). Stop them with: gitorch stop " \
            "--all" in out
        assert all(alive(pid) for pid in pids.values())


def test_detach_status_and_stop_all(tmp_path: Path) -> None:
    repo = agent_repo(tmp_path / "repo")
    done = run_gitorch(repo, "run", "--detach", "--every", "0.5s",
                       env={"AGENT_SLEEP": "30"}, check=True)
    first = done.stdout.splitlines()[0]
    assert first.startswith("Scheduler running in the background (PID ")
    pid = int(first.rsplit(" ", 1)[1].rstrip(")"))
    assert f"log: {state_dir(repo) / 'run.log'}" in done.stdout
    runners = wait_running(repo, ["A/1", "A/2", "A/3", "A/4"])
    status = json.loads(run_gitorch(repo, "status", "--json", check=True).stdout)
    assert status["scheduler"]["pid"] == pid and status["scheduler"]["alive"] is True
    assert f"· scheduler pid {pid} ·" in run_gitorch(repo, "status").stdout
    stopped = run_gitorch(repo, "stop", "--all", check=True).stdout.splitlines()
    assert stopped[0] == f"Stopped the scheduler (PID {pid})"
    assert [line.split()[:2] for line in stopped[1:]] == [["Stopped", f"A/{n}"]
                                                          for n in range(1, 5)]
    assert not alive(pid) and not any(alive(p) for p in runners.values())
    status = json.loads(run_gitorch(repo, "status", "--json", check=True).stdout)
    assert status["scheduler"] is None or status["scheduler"]["alive"] is False
    log = (state_dir(repo) / "run.log").read_text()
    assert "Starting on Group A, Track 1: Alpha" in log and "Stopped scheduling" in log


# The landing rule, on records alone.

def snapshot(states: dict[str, str], busy: tuple[str, ...] = ()) -> Snapshot:
    records = {t: TrackRecord(track=t, state=s, branch="b", worktree="w")
               for t, s in states.items()}
    return Snapshot(records, frozenset(busy), frozenset())


def test_landing_helps_only_when_it_frees_a_waiting_track_or_ends_a_group() -> None:
    roadmap = parse(FOUR_TRACKS + "\n## Group B: Next\n\n### Track 1: After\n")
    three_of_four = snapshot({"A/1": "done", "A/2": "done", "A/3": "done",
                              "A/4": "running"}, busy=("A/4",))
    assert not landing_helps(roadmap, three_of_four, free=3)
    four = snapshot({f"A/{n}": "done" for n in range(1, 5)})
    assert landing_helps(roadmap, four, free=4)
    assert not landing_helps(roadmap, four, free=0)
    group_end = snapshot({**{f"A/{n}": "landed" for n in range(1, 5)}, "A/5": "done"})
    assert landing_helps(roadmap, group_end, free=0)
    assert startable(roadmap, three_of_four) == []
    taken = snapshot({"A/1": "running", "A/2": "done", "A/3": "failed", "A/4": "claimed"},
                     busy=("A/1", "A/4"))
    assert startable(roadmap, taken) == []
    stale = Snapshot(taken.records, frozenset({"A/1"}), frozenset({"A/4"}))
    assert startable(roadmap, stale) == ["A/4"]
    assert startable(roadmap, snapshot({})) == ["A/1", "A/2", "A/3", "A/4"]


def test_a_broken_roadmap_committed_mid_run_keeps_the_run_and_its_runners(
        tmp_path: Path) -> None:
    repo = agent_repo(tmp_path / "repo")
    with background_run(repo, "--every", "0.3s", env={"AGENT_SLEEP": "1"}) as running:
        wait_running(repo, ["A/1", "A/2", "A/3", "A/4"])
        (repo / "ROADMAP.md").write_text("## Group A: X\n### Track 1: Y\n### Track 1: Z\n")
        git(repo, "commit", "-q", "-am", "Break the roadmap")
        status = run_gitorch(repo, "status", check=True).stdout.splitlines()
        assert status[1].startswith("ROADMAP.md:3: duplicate track A/1")
        assert status[1].endswith("(showing the tracks of main~1)")
        assert any(line.startswith("A/1 ") and " running " in line for line in status)
        out, _ = running.communicate(timeout=120)
    assert "(going on with the roadmap as it was)" in out, out
    for track in ("A/1", "A/2", "A/3", "A/4"):
        assert f"✓ Track {track} done in " in out, out  # seen to the end, not left behind
        assert (record(repo, track) or {})["state"] == "done"


def test_a_track_that_ends_as_a_landing_begins_is_said_done_with_its_time(
        tmp_path: Path) -> None:
    # A/2 ends while a landing of A/1 waits at its first step, so the landing takes A/2 too
    # and no look of the loop ever sees A/2 done: it goes from running to landed.
    release, paused = tmp_path / "release", tmp_path / "paused"
    repo = scripted_repo(tmp_path, "# Plan\n\n## Group A: Base\n\n### Track 1: Quick\n"
                         f"put a.txt alpha\n\n### Track 2: Late\nwait {release}\n"
                         "put b.txt beta\n", remote=False)
    env = {"GITORCH_FAILPOINT": "fetch", "GITORCH_FAILPOINT_FILE": str(paused)}
    with background_run(repo, "--every", "0.3s", env=env) as running:
        wait_until("the landing of A/1 to pause", paused.exists)
        release.touch()
        wait_until("A/2 to be done", lambda: (record(repo, "A/2") or {}).get("state") == "done")
        paused.unlink()
        out, _ = running.communicate(timeout=60)
    assert running.returncode == 0, out
    assert "Landed A/1, A/2: main" in out
    assert "✓ Track A/2 done in " in out
    assert "2 tracks landed, 0 failed" in out
    # The run removes landed tracks' worktrees once it has filled the slots they freed.
    assert not any(Path(str((record(repo, t) or {})["worktree"])).exists() for t in ("A/1", "A/2"))


ROUNDS = """# Plan

## Group A: Rounds

### Track 1: One
put one.txt one

### Track 2: Two
wait {ready}
put two.txt two

### Track 3: Three
wait {go}
put three.txt three

### Track 4: Four
wait {go}
put four.txt four
"""


def test_a_round_of_finished_tracks_lands_while_the_next_round_works(tmp_path: Path) -> None:
    ready, go = tmp_path / "ready", tmp_path / "go"
    repo = scripted_repo(tmp_path, ROUNDS.format(ready=ready, go=go))
    remote = tmp_path / "remote.git"

    def states() -> dict[str, str]:
        document = json.loads(run_gitorch(repo, "status", "--json", check=True).stdout)
        return {t["id"]: t["state"] for t in document["tracks"]}

    # Two slots, a tick far away: nothing waits on A/1 and A/2, and the group goes on.
    with background_run(repo, "--parallel", "2", "--every", "30m") as run:
        deadline = time.monotonic() + 60
        while states().get("A/3") != "running":  # A/1 done, its slot taken again
            assert time.monotonic() < deadline and run.poll() is None, "A/3 never started"
            time.sleep(0.1)
        ready.touch()  # A/2 ends while A/3 works: two finished tracks wait, as many as slots
        while "one.txt" not in git(remote, "ls-tree", "--name-only", "main"):
            assert time.monotonic() < deadline and run.poll() is None, "A/1 never landed"
            time.sleep(0.1)
        listed = git(remote, "ls-tree", "--name-only", "main").split()
        assert "two.txt" in listed and "three.txt" not in listed
        assert (states()["A/3"], states()["A/4"]) == ("running", "running")
        go.touch()
        out, _ = run.communicate(timeout=60)
    assert "4 tracks landed, 0 failed, 0 conflicts, 2 pushes" in out, out


def test_the_run_finishes_a_landing_killed_after_its_push_and_says_so(tmp_path: Path) -> None:
    repo = scripted_repo(tmp_path, "# Plan\n\n## Group A: Work\n\n### Track 1: One\n"
                         "put one.txt 1\n")
    run_gitorch(repo, "start", "--wait", check=True)
    paused = tmp_path / "paused"
    landing = subprocess.Popen([gitorch_exe(), "land"], cwd=repo, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, env={
                                   **os.environ, "GITORCH_FAILPOINT": "cleanup",
                                   "GITORCH_FAILPOINT_FILE": str(paused)})
    wait_until("the landing to reach its cleanup", paused.exists, timeout=60)
    os.kill(landing.pid, signal.SIGKILL)
    landing.wait()
    done = run_gitorch(repo, "run", "--every", "0.3s", check=True)
    assert "note: finished an interrupted landing of A/1" in done.stdout
    assert (record(repo, "A/1") or {}).get("state") == "landed"
