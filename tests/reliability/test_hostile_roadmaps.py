"""Hostile roadmaps (issue 10, item 7): each works with safe names, or fails in one clean line.

Every file in roadmaps/ (and a few made here) is committed as ROADMAP.md in a real
repository, and the real console script runs `status`, `status --json` and
`start --dry-run` on it; those that parse are then started with a harmless agent.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import git, run_gitorch
from hostile import (
    CANARY,
    HERE,
    Snapshot,
    assert_fails_cleanly,
    assert_safe_git_names,
    assert_safe_track_names,
    assert_works,
    isolated_home,
    new_repo,
    run_together,
)

CORPUS = HERE / "roadmaps"
TOO_LONG = "9" * 39 + "\u2026"
CANNOT_READ = "list tracks like 'Track 2', '2' or 'D/3'"
NO_GROUPS = ("ROADMAP.md: no groups found (tried the forms tracks, checklist, speckit and gsd: "
             "expected headings like '## Group A: Title' or '## Phase 1: Setup', or checkbox "
             "items under a heading; set roadmap.group_words, roadmap.track_words or "
             "roadmap.format in gitorch.yaml)")

# A roadmap that works: the tracks `start --dry-run` would start (at most max_parallel, 4).
# A roadmap that fails: the exact message after "Error: ".
EXPECTED: dict[str, tuple[str, ...] | str] = {
    "bom.md": ("A/1",),
    "case-groups.md": "ROADMAP.md:7: duplicate group A (first at line 3 as a; ids differing "
                      "only in case share file names)",
    "comment-spanning.md": ("A/1",),
    "crlf.md": ("A/1",),
    "cross-group-cycle.md": "ROADMAP.md:6: dependency cycle: A/1 -> B/1 -> A/1",
    "cycle.md": "ROADMAP.md:6: dependency cycle: A/1 -> A/3 -> A/2 -> A/1",
    "deeply-nested-lists.md": ("A/1",),
    "dependency-range.md":
        f"ROADMAP.md:8: cannot read the dependencies of track A/2: {CANNOT_READ}",
    "duplicate-groups.md": "ROADMAP.md:11: duplicate group A (first at line 3)",
    "duplicate-track-numbers.md": "ROADMAP.md:11: duplicate track A/01 (first at line 5)",
    "empty-file.md": NO_GROUPS,
    "empty-group.md": ("A/1",),  # a group without tracks is one track
    "group-id-git-words.md": ("HEAD/1", "0/1", "00/1"),
    "group-id-unicode-digits.md": ("B/1",),
    # The never-closed <details> is history: its Phase 1 is done, and the summary items,
    # whose ids would clash with it, are read as the tracks of the file's own group.
    "gsd-hostile.md": ("2/1", "2/2"),
    "id-command-substitution.md": ("1/1", "1/2", "1/3"),
    "id-dotdot.md": ("1/1", "1/2", "1/3", "1/4"),
    "id-lock-suffix.md": "ROADMAP.md:3: track id 1.lock may not start with '.' or '-', end "
                         "with '.' or '.lock', or hold '..'",
    "id-too-long.md": "ROADMAP.md:1: group id 0123456789012345678901234567890123456789 is too "
                      "long (at most 32 characters)",
    "group-prerequisite-cycle.md":
        "ROADMAP.md:4: dependency cycle: Group A -> Group B -> Group A",
    "heading-in-fence.md": ("A/1",),
    "huge-dependency-number.md":
        f"ROADMAP.md:6: track A/1 depends on A/{'9' * 37}\u2026, which is not in the roadmap",
    "huge-range.md": f"ROADMAP.md:8: cannot read the dependencies of track A/2: {CANNOT_READ}",
    "huge-track-number.md":
        f"ROADMAP.md:8: track id {TOO_LONG} is too long (at most 32 characters)",
    "lone-cr.md": ("A/1",),
    "long-group-id.md": f"ROADMAP.md:3: group id {'Q' * 39}\u2026 is too long "
                        "(at most 32 characters)",
    "many-tracks.md": ("A/1", "A/3", "A/5", "A/7"),
    "no-groups.md": ("1/1",),  # tracks with no group above them form one group
    "non-utf8.md": "ROADMAP.md:5: not valid UTF-8",
    "nul-bytes.md": ("A/1",),
    "only-done-groups.md": (),
    "same-titles.md": ("A/1", "A/2", "A/3"),
    "self-dependency.md": "ROADMAP.md:6: track A/1 depends on itself",
    "setext-and-seven-hashes.md": ("A/1",),
    "speckit-cycle.md": "ROADMAP.md:5: dependency cycle: 1/T001 -> 1/T003 -> 1/T002 -> 1/T001",
    "speckit-hostile.md": ("2/T002", "2/T003"),
    "tabs.md": ("A/1",),
    "title-1000-chars.md": ("A/1", "A/2"),
    "title-backticks.md": ("A/1", "A/2"),
    "title-command-substitution.md": ("A/1", "A/2"),
    "title-control-chars.md": ("A/1", "A/2"),
    "title-dotdot.md": ("A/1", "A/2", "A/3"),
    "title-empty.md": ("A/1", "A/3", "A/4"),
    "title-newline-in-bold.md": ("A/1", "A/2"),
    "title-rtl-marks.md": ("A/1", "A/2", "A/3"),
    "title-shell-and-refs.md": ("A/1", "A/2", "A/3"),
    "track-before-group.md": ("A/1",),
    "unclosed-fence.md": ("A/1",),
    "unclosed-html-comment.md": ("A/1",),
    "unknown-dependency.md":
        "ROADMAP.md:6: track A/1 depends on A/9, which is not in the roadmap",
    "unknown-group-dependency.md":
        "ROADMAP.md:6: track A/1 depends on Z/1, which is not in the roadmap",
    "unknown-prerequisite.md":
        "ROADMAP.md:8: group B needs group Q, which is not in the roadmap",
    "zero-track.md": ("0/0",),
    # Made below rather than kept as files.
    "(huge)": ("G0/1", "G0/2", "G0/3", "G0/4"),
    "(symlink)": NO_GROUPS,
    "(10000 items)": ("1/T00001", "1/T00002", "1/T00003", "1/T00004"),
}


def huge_roadmap() -> bytes:
    """About 1 MB: 120 groups of 10 tracks, each with a long body."""
    body = "Implement the part of the system this track is named after. " * 15 + "\n"
    return "".join(
        f"## Group G{g}: Group number {g}\n\n" + "".join(
            f"### Track {t}: Track {t} of group {g}\n{body}"
            + (f"Depends on: Track {t - 4}\n" if t > 4 else "") for t in range(1, 11))
        for g in range(120)).encode()


def ten_thousand_items() -> bytes:
    """One heading over 10,000 checklist items, all [P]: a long Spec Kit phase."""
    return ("# Tasks\n\n## Phase 1: Everything\n\n" + "".join(
        f"- [ ] T{n:05} [P] Task number {n} in src/part_{n}.py\n"
        for n in range(1, 10001))).encode()


def hostile_repo(tmp_path: Path, name: str) -> Path:
    if name == "(huge)":
        return new_repo(tmp_path, huge_roadmap())
    if name == "(10000 items)":
        return new_repo(tmp_path, ten_thousand_items())
    if name == "(symlink)":
        # A committed symlink: git's blob holds the link's target, never that file's text.
        repo = new_repo(tmp_path, b"")
        (repo / "ROADMAP.md").unlink()
        os.symlink("/etc/passwd", repo / "ROADMAP.md")
        git(repo, "add", "ROADMAP.md")
        git(repo, "commit", "-q", "-m", "Roadmap as a symlink")
        return repo
    return new_repo(tmp_path, (CORPUS / name).read_bytes())


def test_the_table_covers_the_corpus() -> None:
    files = {path.name for path in CORPUS.glob("*.md")}
    assert files == {name for name in EXPECTED if not name.startswith("(")}
    assert len(files) >= 30


@dataclass
class Played:
    """Every case, run at once in a few threads: cases are independent, and CPU-bound."""

    runs: dict[str, Future[None]]
    beside: tuple[set[str], set[str]]  # entries beside the cases' folder, before and after
    canary: tuple[bool, bool]  # CANARY before and after
    folders: dict[str, set[str]]  # what each case's folder holds afterwards


@pytest.fixture(scope="module")
def played(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Played]:
    selected = sorted({item.callspec.params["name"] for item in request.session.items
                       if isinstance(item, pytest.Function) and item.module is request.module
                       and hasattr(item, "callspec")})
    base = tmp_path_factory.mktemp("hostile")
    folders = {name: base / f"case{index:02}" for index, name in enumerate(selected)}
    beside = {entry.name for entry in base.parent.iterdir()} - {base.name}
    canary = CANARY.exists()
    with isolated_home(base / "home"), ThreadPoolExecutor(3) as pool:
        runs = {name: pool.submit(_play, folder, name) for name, folder in folders.items()}
        wait(runs.values())
    after = {entry.name for entry in base.parent.iterdir()} - {base.name}
    yield Played(runs, (beside, after), (canary, CANARY.exists()),
                 {name: {entry.name for entry in folder.iterdir()}
                  for name, folder in folders.items()})


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_roadmap(played: Played, name: str) -> None:
    played.runs[name].result()  # raises what _play found
    assert played.folders[name] <= {"repo", "repo.tracks"}


def test_no_title_reached_a_shell_or_wrote_outside(played: Played) -> None:
    assert played.canary[1] == played.canary[0], f"{CANARY} appeared: a title reached a shell"
    assert played.beside[1] == played.beside[0], "something was written beside the repositories"


def _play(folder: Path, name: str) -> None:
    """One case: status, status --json, start --dry-run; start too, where it parses."""
    repo = hostile_repo(folder, name)
    before = Snapshot.of(repo)
    expected = EXPECTED[name]
    if isinstance(expected, str):
        # Each fails before it changes anything, so they may as well run at once.
        for done in run_together(repo, ("status",), ("status", "--json"),
                                 ("start", "--dry-run")):
            assert_fails_cleanly(done, expected)
        assert Snapshot.of(repo) == before, "a refused roadmap must leave everything as it was"
        return
    text, as_json, dry_run = run_together(repo, ("status",), ("status", "--json"),
                                          ("start", "--dry-run"))
    for done in (text, as_json, dry_run):
        assert_works(done)
    would = [line.split(":", 1)[0].removeprefix("Would start Group ").split(", Track ")
             for line in dry_run.stdout.splitlines() if line.startswith("Would start")]
    assert tuple(f"{group}/{number}" for group, number in would) == expected
    assert_safe_track_names(repo, json.loads(as_json.stdout))
    assert not git(repo, "for-each-ref", "refs/gitorch"), "--dry-run claimed something"
    if expected:
        _start_and_check(repo, expected)


def _start_and_check(repo: Path, expected: tuple[str, ...]) -> None:
    """Start the ready tracks with a harmless agent; each works in its own safe place."""
    started = run_gitorch(repo, "start", "--wait")
    assert_works(started)
    assert started.stdout.count("completed successfully") == len(expected), started.stdout
    assert_safe_git_names(repo)
    claims = git(repo, "for-each-ref", "--format=%(refname)", "refs/gitorch/claims").split()
    assert sorted(claims) == sorted(f"refs/gitorch/claims/{track}" for track in expected)
    for track in expected:
        key = "group_{}_track_{}".format(*track.split("/"))
        worktree = repo.parent / "repo.tracks" / key
        record = json.loads((repo / ".git" / "gitorch" / "tracks" / f"{key}.json").read_text())
        assert record["state"] == "done" and Path(record["worktree"]) == worktree, record
        # The agent's commit is there, and the prompt never entered the worktree.
        assert git(worktree, "log", "-1", "--format=%s").strip() == f"Work on {track}"
        assert git(worktree, "status", "--porcelain") == ""
