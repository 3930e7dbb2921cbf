"""`gitorch start`: claims, worktrees, detached runners, their logs and records."""

from __future__ import annotations

import json
import re
from pathlib import Path

from helpers import AGENTS, FOUR_TRACKS, agent_repo, git, run_gitorch, wait_ended


def status_tracks(repo: Path) -> dict[str, dict[str, object]]:
    done = run_gitorch(repo, "status", "--json", check=True)
    return {t["id"]: t for t in json.loads(done.stdout)["tracks"]}


def test_start_wait_runs_every_phase_of_every_ready_track(tmp_path: Path) -> None:
    repo = agent_repo(tmp_path / "repo")
    runs = tmp_path / "runs.txt"
    done = run_gitorch(repo, "start", "--wait", env={"AGENT_RUNS": str(runs)}, check=True)
    out = done.stdout.splitlines()
    assert out[0] == "Current group: A: Four at once"
    assert out[1] == "Available tracks: A/1, A/2, A/3, A/4"
    for number, title in enumerate(["Alpha", "Beta", "Gamma", "Delta"], 1):
        assert f"Starting on Group A, Track {number}: {title}" in out
        assert f"✓ [A/{number}] completed successfully" in out
    assert sorted(runs.read_text().splitlines()) == sorted(
        f"A/{n} {phase}" for n in range(1, 5) for phase in ("work", "review", "commit"))
    tracks = status_tracks(repo)
    assert [tracks[f"A/{n}"]["state"] for n in range(1, 6)] == ["done"] * 4 + ["blocked"]
    first = tracks["A/1"]
    assert first["commits"] == 1
    assert str(first["last_commit"]).endswith(" Work on A/1")
    worktree = tmp_path / "repo.tracks" / "group_A_track_1"
    assert first["worktree"] == str(worktree)
    assert (worktree / "track-A-1.txt").read_text() == "work on A/1\n"
    assert git(worktree, "branch", "--show-current").strip() == "gitorch/A/1/alpha"
    assert git(repo, "rev-parse", "--verify", "refs/gitorch/claims/A/1").strip()
    assert not (repo / "track-A-1.txt").exists()


def test_log_lines_are_stamped_with_banners(tmp_path: Path) -> None:
    repo = agent_repo(tmp_path / "repo")
    run_gitorch(repo, "start", "--track", "A/2", "--wait", check=True)
    log = (repo / ".git" / "gitorch" / "logs" / "group_A_track_2.log").read_text()
    lines = log.splitlines()
    stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \[A/2\] "  # ms: report times phases
    assert all(re.match(stamp, line) for line in lines), log
    assert any(re.match(stamp + "===== Phase work \\(1/3\\) of Track A/2: Beta =====$", line)
               for line in lines)
    assert any(line.endswith("[A/2] agent in review for A/2") for line in lines)
    assert lines[-1].endswith("Track A/2 ended: done")
    runs_log = (repo / ".git" / "gitorch" / "runs.log").read_text().splitlines()
    assert [line.split()[1:3] for line in runs_log] == [["start", "A/2"], ["end", "A/2"]]


def test_prompt_reaches_the_agent_by_file_and_env(tmp_path: Path) -> None:
    script = tmp_path / "capture.sh"
    script.write_text('#!/bin/sh\ncp "$GITORCH_PROMPT_FILE" "$CAPTURE.$GITORCH_PHASE"\n'
                      'env | grep ^GITORCH_ | sort > "$CAPTURE.env"\n'
                      'git commit -q --allow-empty -m "phase $GITORCH_PHASE"\n')
    script.chmod(0o755)
    repo = agent_repo(tmp_path / "repo")
    (repo / "gitorch.yaml").write_text(f"remote: null\nagent:\n  command: [{script}]\n")
    capture = tmp_path / "capture"
    run_gitorch(repo, "start", "--track", "A/3", "--wait", env={"CAPTURE": str(capture)},
                check=True)
    prompt = Path(f"{capture}.work").read_text()
    assert "Gamma" in prompt and "Third." in prompt and "gitorch/A/3/gamma" in prompt
    env = Path(f"{capture}.env").read_text().splitlines()
    worktree = tmp_path / "repo.tracks" / "group_A_track_3"
    assert f"GITORCH_WORKTREE={worktree}" in env
    assert "GITORCH_TRACK=A/3" in env and "GITORCH_GROUP=A" in env
    assert "GITORCH_PHASE=commit" in env
    prompt_file = next(line for line in env if line.startswith("GITORCH_PROMPT_FILE="))
    assert prompt_file.split("=", 1)[1].startswith(str(repo / ".git" / "gitorch"))
    assert git(worktree, "status", "--porcelain") == ""


def test_prompt_on_stdin_when_no_placeholder(tmp_path: Path) -> None:
    script = tmp_path / "stdin.sh"
    script.write_text('#!/bin/sh\ncat > "$CAPTURE.$GITORCH_PHASE"\n'
                      'git commit -q --allow-empty -m x\n')
    script.chmod(0o755)
    repo = agent_repo(tmp_path / "repo")
    (repo / "gitorch.yaml").write_text(f"remote: null\nagent:\n  command: [{script}]\n")
    run_gitorch(repo, "start", "-t", "A/1", "--wait", env={"CAPTURE": str(tmp_path / "c")},
                check=True)
    assert "Alpha" in (tmp_path / "c.work").read_text()


def test_prompt_placeholders_are_whole_arguments(tmp_path: Path) -> None:
    script = tmp_path / "args.sh"
    script.write_text('#!/bin/sh\nprintf "%s\\n" "$#" "$1" "$3" > "$CAPTURE.$GITORCH_PHASE"\n'
                      'git commit -q --allow-empty -m x\n')
    script.chmod(0o755)
    repo = agent_repo(tmp_path / "repo")
    (repo / "gitorch.yaml").write_text(
        f"remote: null\nagent:\n  command: [{script}, '{{track}}', '{{prompt}}', '{{phase}}']\n")
    run_gitorch(repo, "start", "-t", "A/4", "--wait", env={"CAPTURE": str(tmp_path / "c")},
                check=True)
    count, track, phase = (tmp_path / "c.review").read_text().splitlines()[:3]
    assert (count, track, phase) == ("3", "A/4", "review")


def test_parallel_limit_and_dry_run(tmp_path: Path) -> None:
    repo = agent_repo(tmp_path / "repo")
    dry = run_gitorch(repo, "start", "--parallel", "2", "--dry-run", check=True)
    assert "Would start Group A, Track 1: Alpha" in dry.stdout
    assert "Would start Group A, Track 2: Beta" in dry.stdout
    assert "Track 3" not in dry.stdout.split("Skipped")[0]
    assert not list((repo / ".git" / "gitorch" / "tracks").glob("*.json"))
    assert git(repo, "for-each-ref", "refs/gitorch") == ""
    run_gitorch(repo, "start", "--parallel", "2", "--wait", check=True)
    states = {k: v["state"] for k, v in status_tracks(repo).items()}
    assert states == {"A/1": "done", "A/2": "done", "A/3": "pending", "A/4": "pending",
                      "A/5": "blocked"}


def test_failing_agents_end_failed_and_the_others_go_on(tmp_path: Path) -> None:
    repo = agent_repo(tmp_path / "repo")
    done = run_gitorch(repo, "start", "--wait", env={"AGENT_FAIL_PHASE": "review"})
    assert done.returncode == 1
    assert "✗ [A/1] failed (phase review exited 3)" in done.stdout
    tracks = status_tracks(repo)
    assert {t["state"] for t in tracks.values() if t["id"] != "A/5"} == {"failed"}
    assert tracks["A/2"]["reason"] == "phase review exited 3"
    log = (repo / ".git" / "gitorch" / "logs" / "group_A_track_2.log").read_text()
    assert "failing on purpose" in log


def test_missing_agent_hang_noise_and_self_destruct(tmp_path: Path) -> None:
    roadmap = FOUR_TRACKS
    repo = agent_repo(tmp_path / "repo", roadmap)
    hang = tmp_path / "hang.sh"
    hang.write_text("#!/bin/sh\nsleep 600 &\nsleep 600\n")
    hang.chmod(0o755)
    # A missing agent is refused by start itself, before anything is claimed.
    (repo / "gitorch.yaml").write_text(
        f"remote: null\nagent:\n  command: [{tmp_path / 'no-such-agent'}]\n")
    refused = run_gitorch(repo, "start", "-t", "A/1")
    assert refused.returncode == 1
    assert refused.stderr == (f"Error: the agent {tmp_path / 'no-such-agent'} is not on PATH: "
                              "install it, or set agent.command in gitorch.yaml (nothing "
                              "started)\n")
    assert not (repo / ".git" / "gitorch" / "tracks" / "group_A_track_1.json").exists()
    cases = {
        "A/2": ([str(hang)], "timed out after 2s"),
        "A/3": ([str(AGENTS / "noisy.sh")], None),
        "A/4": ([str(AGENTS / "self_destruct.sh")], "not found"),
    }
    for track, (argv, _) in cases.items():
        # Each runner reads gitorch.yaml as it starts: one at a time, each with its agent.
        # Only without the sandbox can an agent remove its worktree's own folder.
        (repo / "gitorch.yaml").write_text(
            f"remote: null\nagent:\n  command: {json.dumps(argv)}\n  timeout: 2s\n"
            "sandbox: off\n")
        run_gitorch(repo, "start", "-t", track)
        wait_ended(repo, track)
    tracks = status_tracks(repo)
    for track, (_, reason) in cases.items():
        if reason is None:
            assert tracks[track]["state"] == "done"
        else:
            assert tracks[track]["state"] == "failed", tracks[track]
            assert reason in str(tracks[track]["reason"])
    log = (repo / ".git" / "gitorch" / "logs" / "group_A_track_3.log").read_text()
    assert "bin\\0ary\ufffd\ufffd bytes" in log
    assert max(len(line) for line in log.splitlines()) < 70_000



def test_failed_track_restarted_by_name_resumes_at_the_failed_phase(tmp_path: Path) -> None:
    repo = agent_repo(tmp_path / "repo")
    runs = tmp_path / "runs.txt"
    failed = run_gitorch(repo, "start", "-t", "A/2", "--wait",
                         env={"AGENT_FAIL_PHASE": "review", "AGENT_RUNS": str(runs)})
    assert failed.returncode == 1
    runs.write_text("")
    again = run_gitorch(repo, "start", "-t", "A/2", "--wait", env={"AGENT_RUNS": str(runs)},
                        check=True)
    assert "Resuming Group A, Track 2: Beta" in again.stdout
    assert runs.read_text().splitlines() == ["A/2 review", "A/2 commit"]
    log = (repo / ".git" / "gitorch" / "logs" / "group_A_track_2.log").read_text()
    assert "Resuming at phase review; work finished before" in log


def test_restart_after_worktree_deleted_by_hand_prunes_and_adds_again(tmp_path: Path) -> None:
    repo = agent_repo(tmp_path / "repo")
    failed = run_gitorch(repo, "start", "-t", "A/2", "--wait",
                         env={"AGENT_FAIL_PHASE": "review"})
    assert failed.returncode == 1
    import shutil

    worktree = tmp_path / "repo.tracks" / "group_A_track_2"
    shutil.rmtree(worktree)  # git still lists it: an add there trips on the stale entry
    run_gitorch(repo, "start", "-t", "A/2", "--wait", check=True)
    assert git(worktree, "branch", "--show-current").strip() == "gitorch/A/2/beta"
    log = (repo / ".git" / "gitorch" / "logs" / "group_A_track_2.log").read_text()
    assert f"Created worktree {worktree} on gitorch/A/2/beta (existing branch)" in log


def test_a_relative_agent_path_is_taken_from_the_track_worktree(tmp_path: Path) -> None:
    repo = agent_repo(tmp_path / "repo")
    beside = tmp_path / "agent.sh"  # ../agent.sh from the repository root, not from a track's
    beside.write_text("#!/bin/sh\n")
    beside.chmod(0o755)
    (repo / "gitorch.yaml").write_text('remote: null\nagent:\n  command: ["../agent.sh"]\n')
    out = run_gitorch(repo, "start", "-t", "A/1")
    assert out.returncode == 1
    assert out.stderr == (
        "Error: the agent ../agent.sh is relative to the track's worktree, where it runs, and "
        "leads out of it: write its absolute path in agent.command (from the repository "
        f"root: {beside.resolve()}) (nothing started)\n")
    (repo / "gitorch.yaml").write_text(
        'remote: null\nagent:\n  command: ["tools/agent.sh"]\nphases:\n'
        '  - {name: work, prompt: go}\n')
    missing = run_gitorch(repo, "start", "-t", "A/1")
    assert missing.returncode == 1
    assert missing.stderr.startswith(
        f"Error: the agent tools/agent.sh is not an executable file in {repo}: commit it")
    (repo / "tools").mkdir()
    (repo / "tools" / "agent.sh").write_text('#!/bin/sh\necho "ran in $PWD"\n')
    (repo / "tools" / "agent.sh").chmod(0o755)
    git(repo, "add", "tools")
    git(repo, "commit", "-q", "-m", "The agent, committed")
    run_gitorch(repo, "start", "-t", "A/1", check=True)
    record = wait_ended(repo, "A/1")
    log = (repo / ".git" / "gitorch" / "logs" / "group_A_track_1.log").read_text()
    assert f"ran in {record['worktree']}" in log
