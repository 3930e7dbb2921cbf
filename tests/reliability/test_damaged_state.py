"""Damaged state (issue 10, item 9): gitorch's files and refs broken by hand.

`status` must report each damage in at most one line (exit 0, no traceback), and
`start` / `clean` must recover without losing work: commits on surviving branches stay
reachable, uncommitted files in surviving worktrees stay. What "recover" means for each
damage is spelt out where it is checked.
"""

from __future__ import annotations

import json
import random
import shutil
import socket
import subprocess
from pathlib import Path

from helpers import git, run_gitorch
from hostile import AGENT_CONFIG, STRESS, assert_works, new_repo, status_document

from gitorch.names import TrackId
from gitorch.project import open_project
from gitorch.tracks.records import TrackRecord

TRACKS = 7
ROADMAP = ("# Roadmap\n\n## Group A: Damage\n\n" + "".join(
    f"### Track {n}: Part {n}\nBuild part {n}.\n\n" for n in range(1, TRACKS + 1))).encode()
# Two phases, so that a run can leave a commit and still fail (in review).
CONFIG = AGENT_CONFIG.replace("phases:\n", "max_parallel: 8\nphases:\n") + (
    "  - name: review\n    prompt: 'Review {track}'\n")
NOTES = "notes nobody committed\n"


def state(repo: Path) -> Path:
    return repo / ".git" / "gitorch"


def worktree(repo: Path, n: int) -> Path:
    return repo.parent / "repo.tracks" / f"group_A_track_{n}"


def branch(n: int) -> str:
    return f"gitorch/A/{n}/part-{n}"


def failed_run(tmp_path: Path) -> Path:
    """Every track ran once and failed in review: one commit, and notes left uncommitted."""
    repo = new_repo(tmp_path, ROADMAP, CONFIG)
    done = run_gitorch(repo, "start", "--wait", env={"AGENT_FAIL_PHASE": "review"})
    assert done.returncode == 1 and done.stdout.count("failed") == TRACKS, done.stdout
    for n in range(1, TRACKS + 1):
        (worktree(repo, n) / "notes.txt").write_text(NOTES)
    return repo


def dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def is_ancestor(repo: Path, old: str, new: str) -> bool:
    return subprocess.run(["git", "merge-base", "--is-ancestor", old, new], cwd=repo,
                          check=False).returncode == 0


def test_status_reports_each_damage_and_start_and_clean_recover(tmp_path: Path) -> None:
    repo = failed_run(tmp_path)
    main = git(repo, "rev-parse", "main").strip()
    first = {n: git(repo, "rev-parse", branch(n)).strip() for n in range(1, TRACKS + 1)}
    records = state(repo) / "tracks"

    # A/1: its record cut short. A/2: its claim ref moved to a commit that is no claim.
    # A/3: its worktree deleted. A/4: its worktree and branch deleted.
    # A/5: looks stale, and its lockfile is a folder. A/6: its log is a folder.
    # A/7: its branch deleted under its worktree (`git branch -D` refuses; update-ref not).
    record = records / "group_A_track_1.json"
    record.write_bytes(record.read_bytes()[:40])
    git(repo, "update-ref", "refs/gitorch/claims/A/2", "main")
    shutil.rmtree(worktree(repo, 3))
    git(repo, "worktree", "remove", "--force", str(worktree(repo, 4)))
    git(repo, "branch", "-D", branch(4))
    stale = json.loads((records / "group_A_track_5.json").read_text())
    stale.update(state="running", pid=dead_pid(), ended_at=None)
    (records / "group_A_track_5.json").write_text(json.dumps(stale))
    lockfile = state(repo) / "locks" / "group_A_track_5.lock"
    lockfile.unlink()
    lockfile.mkdir()
    log = state(repo) / "logs" / "group_A_track_6.log"
    log.unlink()
    log.mkdir()
    git(repo, "update-ref", "-d", f"refs/heads/{branch(7)}")
    claim_6 = git(repo, "rev-parse", "refs/gitorch/claims/A/6")

    # status: each damage in exactly one line, and the JSON says the same.
    text = run_gitorch(repo, "status")
    assert_works(text)
    said = {
        "A/1": f"damaged record {records / 'group_A_track_1.json'} (read as none)",
        "A/2": "damaged claim commit",
        "A/3": f"worktree {worktree(repo, 3)} is missing",
        "A/4": f"branch {branch(4)} is missing",
        "A/5": f"lockfile {lockfile} is not a file",
        "A/6": f"log {log} is not a file",
        "A/7": f"branch {branch(7)} is missing",
    }
    for track, words in said.items():
        lines = [line for line in text.stdout.splitlines() if words in line]
        assert len(lines) == 1 and lines[0].split()[0] == track, (track, lines)
    document = status_document(repo)
    tracks = {track["id"]: track for track in document["tracks"]}
    assert {track: tracks[track]["problem"] for track in said if track != "A/2"} == {
        track: words for track, words in said.items() if track != "A/2"}
    assert tracks["A/1"]["state"] == "stale" and tracks["A/5"]["state"] == "stale"
    assert [c["damaged"] for c in document["claims"] if c["track"] == "A/2"] == [True]

    # start: A/1 (no record) resumes in place; A/2 takes its claim back; A/3 gets its
    # worktree again from the surviving branch; A/4 and A/7, whose branches are gone, run
    # again from main (A/7 in its surviving worktree). A/5 and A/6 are skipped, each with
    # its reason, and keep the claim they had: the folders must go first.
    started = run_gitorch(repo, "start", "--wait",
                          *(f"--track=A/{n}" for n in range(1, TRACKS + 1)))
    assert_works(started)
    assert started.stdout.count("completed successfully") == 5, started.stdout
    skipped = [line for line in started.stdout.splitlines() if line.startswith("Skipped")]
    assert [line.split(":")[0] for line in skipped] == ["Skipped A/5", "Skipped A/6"]
    assert str(lockfile) in skipped[0] and str(log) in skipped[1]
    assert git(repo, "rev-parse", "refs/gitorch/claims/A/6") == claim_6
    for n in (1, 2, 3):
        assert is_ancestor(repo, first[n], branch(n)), f"A/{n} lost its commit"
    for n in (1, 2, 3, 4, 7):
        assert is_ancestor(repo, main, branch(n)), f"A/{n} does not hold main's history"
    for n in (1, 2, 7):
        assert (worktree(repo, n) / "notes.txt").read_text() == NOTES
    assert json.loads(record.read_text())["state"] == "done"

    # clean: A/5 holds no lock and its runner is dead: its claim goes, its work stays.
    cleaned = run_gitorch(repo, "clean")
    assert_works(cleaned)
    assert any(line.startswith("Released A/5") for line in cleaned.stdout.splitlines())
    assert not git(repo, "for-each-ref", "refs/gitorch/claims/A/5")
    for n in (5, 6):
        assert git(repo, "rev-parse", branch(n)).strip() == first[n]
        assert (worktree(repo, n) / "notes.txt").read_text() == NOTES
    document = status_document(repo)
    assert [c for c in document["claims"] if c["damaged"]] == []
    assert git(repo, "rev-parse", "main").strip() == main


def _damaged_records() -> list[tuple[str, bytes]]:
    good = {"track": "A/1", "state": "failed", "branch": "gitorch/A-1-part-1",
            "worktree": "/nowhere", "base": "0" * 40, "pid": 4242, "host": "box"}
    rng = random.Random(10)
    cases = [
        ("empty", b""),
        ("truncated", json.dumps(good).encode()[:30]),
        ("not an object", b"[1, 2, 3]\n"),
        ("not UTF-8", b'{"track": "A/1", "state": "\xff"}'),
        ("missing fields", b'{"track": "A/1"}'),
        ("wrong types", json.dumps({**good, "pid": "4242", "branch": 7}).encode()),
        ("true for a number", json.dumps({**good, "attempts": True}).encode()),
        ("pid -1", json.dumps({**good, "pid": -1}).encode()),
        ("agent group 0", json.dumps({**good, "agent_pgid": 0}).encode()),
        ("another track's", json.dumps({**good, "track": "A/2"}).encode()),
        ("not a track id", json.dumps({**good, "track": "../../x"}).encode()),
    ]
    cases += [(f"random bytes {i}", rng.randbytes(rng.randrange(1, 400)))
              for i in range(20 * STRESS)]
    return cases


def test_a_damaged_record_reads_as_no_record(tmp_path: Path) -> None:
    repo = new_repo(tmp_path, ROADMAP, CONFIG)
    project = open_project(repo)
    path = project.state.record(TrackId("A", "1"))
    path.parent.mkdir(parents=True)
    for name, data in _damaged_records():
        path.write_bytes(data)
        assert TrackRecord.load(project, TrackId("A", "1")) is None, name
        assert TrackRecord.all(project) == [], name
    path.write_bytes(json.dumps({"track": "A/1", "state": "failed", "branch": "b",
                                 "worktree": "/w", "pid": 4242}).encode())
    assert TrackRecord.load(project, TrackId("A", "1")) is not None, "a sound record still reads"


def test_claim_refs_that_are_not_claims(tmp_path: Path) -> None:
    """A claim ref at a missing object, and refs under claims/ that name no track.

    Recover: status shows each as one damaged claim line; clean drops those of track ids
    (no record, no lock held), and leaves refs that are not a track's claim alone.
    """
    repo = new_repo(tmp_path, ROADMAP, CONFIG)
    claims = repo / ".git" / "refs" / "gitorch" / "claims"
    (claims / "A").mkdir(parents=True)
    (claims / "A" / "1").write_text("12345678" * 5 + "\n")  # no such object
    git(repo, "update-ref", "refs/gitorch/claims/A/x/y", "main")
    git(repo, "update-ref", "refs/gitorch/claims/Z/9", "main")
    text = run_gitorch(repo, "status")
    assert_works(text)
    for track in ("A/1", "A/x/y", "Z/9"):
        lines = [line for line in text.stdout.splitlines() if line.split()[:1] == [track]
                 and "damaged claim commit" in line]
        assert len(lines) == 1, (track, text.stdout)
    cleaned = run_gitorch(repo, "clean")
    assert_works(cleaned)
    assert "Left refs/gitorch/claims/A/x/y alone: it is not a track's claim" in cleaned.stdout
    assert git(repo, "for-each-ref", "--format=%(refname)", "refs/gitorch").split() == [
        "refs/gitorch/claims/A/x/y"]


def _skipped_without_a_claim(repo: Path, what: Path) -> None:
    """A fresh track whose lockfile or log is a folder: skipped in one line, nothing claimed."""
    done = run_gitorch(repo, "start", "--wait", "--track=A/1")
    assert_works(done)
    skipped = [line for line in done.stdout.splitlines() if line.startswith("Skipped")]
    assert len(skipped) == 1 and skipped[0].startswith("Skipped A/1: "), done.stdout
    assert str(what) in skipped[0]
    assert not git(repo, "for-each-ref", "refs/gitorch/claims"), "a claim was left behind"
    assert TrackRecord.load(open_project(repo), TrackId("A", "1")) is None
    assert not list(state(repo).glob("crash-*.log"))


def test_start_with_a_lockfile_that_is_a_folder(tmp_path: Path) -> None:
    repo = new_repo(tmp_path, ROADMAP, CONFIG)
    lockfile = state(repo) / "locks" / "group_A_track_1.lock"
    lockfile.mkdir(parents=True)
    _skipped_without_a_claim(repo, lockfile)


def test_start_with_a_log_that_is_a_folder(tmp_path: Path) -> None:
    repo = new_repo(tmp_path, ROADMAP, CONFIG)
    log = state(repo) / "logs" / "group_A_track_1.log"
    log.mkdir(parents=True)
    _skipped_without_a_claim(repo, log)


def test_start_never_kills_a_stranger_named_in_a_stale_record(tmp_path: Path) -> None:
    """A stale record's agent PID may belong to another process by now: leave it alone."""
    repo = new_repo(tmp_path, ROADMAP, CONFIG)
    stranger = subprocess.Popen(["sleep", "300"], start_new_session=True)
    try:
        record = state(repo) / "tracks" / "group_A_track_1.json"
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(json.dumps({
            "track": "A/1", "state": "running", "pid": 99999999, "agent_pgid": stranger.pid,
            "host": socket.gethostname(), "base": git(repo, "rev-parse", "main").strip(),
            "branch": branch(1), "worktree": str(worktree(repo, 1))}))
        done = run_gitorch(repo, "start", "--wait", "--track=A/1")
        assert done.returncode == 0, done.stderr
        assert stranger.poll() is None, "start killed a process that was not its agent"
    finally:
        stranger.kill()
        stranger.wait()
