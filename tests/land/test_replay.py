"""replay() against git itself: every case is replayed in memory and by `git cherry-pick`
(and `git rebase`) in a scratch worktree, and the results must agree."""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from helpers import git

from gitorch import git as gitmod
from gitorch.git import objects
from gitorch.land.replay import Conflict, Replayed, replay, track_commits


@dataclass(frozen=True)
class Exe:
    """An executable file."""

    text: str


@dataclass(frozen=True)
class Link:
    """A symbolic link."""

    target: str


Content = str | bytes | Exe | Link | None  # None: delete the file or folder
Commit = Mapping[str, Content]


@dataclass(frozen=True)
class Case:
    name: str
    base: Commit
    main: list[Commit]
    track: list[Commit]
    config: dict[str, str] = field(default_factory=dict)


def lines(*changed: tuple[int, str], count: int = 12) -> str:
    """A file of numbered lines, with some replaced (clean merges need distant edits)."""
    text = [f"line {i}" for i in range(count)]
    for at, new in changed:
        text[at] = new
    return "\n".join(text) + "\n"


BINARY = bytes(range(256)) * 4
DEEP = {f"pkg{a}/mod{b}/sub{c}/file{d}.py": f"# {a}{b}{c}{d}\n"
        for a in range(4) for b in range(4) for c in range(3) for d in range(3)}
THREE = {"old/f1.txt": "first file\n" * 5, "old/f2.txt": "second file\n" * 5,
         "old/f3.txt": "third file\n" * 5, "top.txt": "top\n"}

CASES = [
    Case("edit different files", {"a.txt": "a\n", "b.txt": "b\n"},
         [{"a.txt": "a main\n"}], [{"b.txt": "b track\n"}]),
    Case("same file, different places", {"f.txt": lines()},
         [{"f.txt": lines((1, "main"))}], [{"f.txt": lines((10, "track"))}]),
    Case("same line both sides", {"f.txt": lines()},
         [{"f.txt": lines((5, "main"))}], [{"f.txt": lines((5, "track"))}]),
    Case("add files", {"a.txt": "a\n"},
         [{"main/new.txt": "m\n"}], [{"new/dir/file.txt": "t\n", "a2.txt": "a2\n"}]),
    Case("delete a file", {"a.txt": "a\n", "b/b.txt": "b\n", "b/c.txt": "c\n"},
         [{"a.txt": "a main\n"}], [{"b/b.txt": None}, {"b/c.txt": None}]),
    Case("main deletes what the track edits", {"a.txt": lines(), "b.txt": "b\n"},
         [{"a.txt": None}], [{"a.txt": lines((3, "track"))}]),
    Case("track deletes what main edits", {"a.txt": lines(), "b.txt": "b\n"},
         [{"a.txt": lines((3, "main"))}], [{"a.txt": None}]),
    Case("rename on the track", {"a.txt": lines(), "b.txt": "b\n"},
         [{"b.txt": "b main\n"}],
         [{"a.txt": None, "moved/a.txt": lines()}, {"moved/a.txt": lines((2, "edit"))}]),
    Case("rename on main, edit on the track", {"a.txt": lines(), "b.txt": "b\n"},
         [{"a.txt": None, "moved/a.txt": lines((11, "main"))}],
         [{"a.txt": lines((2, "track"))}]),
    Case("folder rename on main, track adds into the old folder", THREE,
         [{f"old/f{i}.txt": None for i in (1, 2, 3)}
          | {f"new/f{i}.txt": THREE[f"old/f{i}.txt"] for i in (1, 2, 3)}],
         [{"old/f4.txt": "fourth\n"}]),
    Case("folder rename on main, directoryRenames=true", THREE,
         [{f"old/f{i}.txt": None for i in (1, 2, 3)}
          | {f"new/f{i}.txt": THREE[f"old/f{i}.txt"] for i in (1, 2, 3)}],
         [{"old/f4.txt": "fourth\n"}, {"top.txt": "top track\n"}],
         {"merge.directoryRenames": "true"}),
    Case("folder rename on main, track edits inside it", THREE,
         [{f"old/f{i}.txt": None for i in (1, 2, 3)}
          | {f"new/f{i}.txt": THREE[f"old/f{i}.txt"] for i in (1, 2, 3)}],
         [{"old/f2.txt": "second file, edited\n" * 5}]),
    Case("folder becomes a file on main, track edits inside it",
         {"d/x.txt": "x\n", "e.txt": "e\n"}, [{"d": "file\n"}], [{"d/x.txt": "x track\n"}]),
    Case("folder becomes a file on main, track adds into it",
         {"d/x.txt": "x\n", "e.txt": "e\n"}, [{"d": "file\n"}], [{"d/new.txt": "new\n"}]),
    Case("folder removed on main, track adds into it", {"d/x.txt": "x\n", "e.txt": "e\n"},
         [{"d/x.txt": None}], [{"d/new.txt": "new\n"}]),
    Case("track removes a folder main added to", {"d/x.txt": "x\n", "e.txt": "e\n"},
         [{"d/y.txt": "y\n"}], [{"d/x.txt": None}]),
    Case("mode change", {"run.sh": "echo hi\n", "b.txt": "b\n"},
         [{"b.txt": "b main\n"}], [{"run.sh": Exe("echo hi\n")}]),
    Case("mode change on the track, content change on main", {"run.sh": lines()},
         [{"run.sh": lines((1, "main"))}], [{"run.sh": Exe(lines())}]),
    Case("symlink added and changed", {"a.txt": "a\n", "b.txt": "b\n"},
         [{"a.txt": "a main\n"}], [{"link": Link("a.txt")}, {"link": Link("b.txt")},
                                   {"b.txt": Link("a.txt")}]),
    Case("binary file", {"bin.dat": BINARY, "b.txt": "b\n"},
         [{"b.txt": "b main\n"}], [{"bin.dat": BINARY[::-1]}]),
    Case("binary file changed on both sides", {"bin.dat": BINARY},
         [{"bin.dat": BINARY + b"main"}], [{"bin.dat": BINARY + b"track"}]),
    Case("empty commit", {"a.txt": "a\n"},
         [{"a.txt": "a main\n"}], [{"b.txt": "b\n"}, {}, {"c.txt": "c\n"}]),
    Case("commit that becomes empty", {"a.txt": "a\n"},
         [{"a.txt": "same change\n"}], [{"a.txt": "same change\n"}, {"c.txt": "c\n"}]),
    Case("file becomes a folder", {"x": "file\n", "b.txt": "b\n"},
         [{"b.txt": "b main\n"}], [{"x": None, "x/inner.txt": "inner\n"}]),
    Case("folder becomes a file", {"d/one.txt": "1\n", "d/two.txt": "2\n", "b.txt": "b\n"},
         [{"b.txt": "b main\n"}], [{"d": "now a file\n"}]),
    Case("file becomes a folder while main edits it", {"x": "file\n"},
         [{"x": "file main\n"}], [{"x": None, "x/inner.txt": "inner\n"}]),
    Case("deep path among many folders", DEEP,
         [{"pkg1/mod2/sub0/file0.py": "# main\n"}, {"pkg3/mod0/sub2/file1.py": None}],
         [{"pkg1/mod2/sub1/file2.py": "# track\n"}, {"pkg1/mod2/sub0/file1.py": "# t2\n"}]),
    Case("later commits build on earlier ones", {"a.txt": lines(), "b.txt": lines()},
         [{"b.txt": lines((0, "main"))}, {"z.txt": "z\n"}],
         [{"a.txt": lines((1, "one")), "c/c.txt": "c\n"},
          {"a.txt": lines((1, "two"), (8, "eight")), "c/d.txt": "d\n"},
          {"c/c.txt": None, "b.txt": lines((11, "track"))},
          {"a.txt": None, "c/a.txt": lines((1, "two"), (8, "eight"))}]),
    Case("file name that is not UTF-8", {"a.txt": "a\n"},
         [{"a.txt": "a main\n"}], [{os.fsdecode(b"caf\xe9.txt"): "latin-1 name\n"}]),
]


def _run(cwd: Path, *args: str, env: dict[str, str] | None = None
         ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False,
                          env={**os.environ, **(env or {})})


def _write(worktree: Path, files: Commit) -> None:
    for name, content in files.items():
        target = worktree / name
        for folder in reversed(target.relative_to(worktree).parents[:-1]):
            if (worktree / folder).is_file() or (worktree / folder).is_symlink():
                (worktree / folder).unlink()
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        elif target.exists() or target.is_symlink():
            target.unlink()
        if content is None:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Link):
            target.symlink_to(content.target)
        elif isinstance(content, Exe):
            target.write_text(content.text)
            target.chmod(0o755)
        elif isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content)


def _commit(worktree: Path, files: Commit, message: str, who: int = 0) -> str:
    """Commit files; who > 0 gives the commit its own author, committer, dates and zones."""
    _write(worktree, files)
    git(worktree, "add", "-A")
    env = {} if not who else {
        "GIT_AUTHOR_NAME": f"Author {who}", "GIT_AUTHOR_EMAIL": f"author{who}@example.com",
        "GIT_AUTHOR_DATE": f"2025-02-{who:02d}T08:{who:02d}:00+05:30",
        "GIT_COMMITTER_NAME": f"Committer {who}", "GIT_COMMITTER_EMAIL": f"c{who}@example.com",
        "GIT_COMMITTER_DATE": f"2025-03-{who:02d}T09:00:{who:02d}-07:00",
    }
    done = _run(worktree, "commit", "-q", "--allow-empty", "--no-verify", "-m",
                f"{message}\n\nBody of {message}.\n", env=env)
    assert done.returncode == 0, done.stderr
    return git(worktree, "rev-parse", "HEAD").strip()


def build(root: Path, case: Case) -> tuple[Path, str, str, str]:
    """A repository for case: (its path, base, main's tip, the track's tip)."""
    repo = root / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    for key, value in case.config.items():
        git(repo, "config", key, value)
    base = _commit(repo, case.base, "base")
    git(repo, "branch", "track")
    for number, files in enumerate(case.main, 1):
        _commit(repo, files, f"main {number}")
    main = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "checkout", "-q", "track")
    for number, files in enumerate(case.track, 1):
        _commit(repo, files, f"track {number}", who=number)
    return repo, base, main, git(repo, "rev-parse", "HEAD").strip()


def _tree(repo: Path, rev: str) -> str:
    return git(repo, "rev-parse", f"{rev}^{{tree}}").strip()


def _headers(repo: Path, commit: str) -> tuple[dict[str, str], str]:
    raw = git(repo, "cat-file", "commit", commit)
    head, _, message = raw.partition("\n\n")
    return {line.split(" ", 1)[0]: line.split(" ", 1)[1] for line in head.splitlines()}, message


@dataclass(frozen=True)
class Picked:
    """What git did with each commit: the new commit, or None where it dropped one."""

    new: dict[str, str | None]
    conflict: tuple[str, tuple[str, ...]] | None


def cherry_pick(repo: Path, onto: str, commits: list[str]) -> Picked:
    """Replay commits with `git cherry-pick` in a scratch worktree, dropping as rebase does."""
    scratch = repo.parent / "cherry"
    git(repo, "worktree", "add", "-q", "--detach", str(scratch), onto)
    new: dict[str, str | None] = {}
    for commit in commits:
        parent = git(repo, "log", "-1", "--format=%P", commit).strip()
        started_empty = _tree(repo, commit) == (_tree(repo, parent) if parent
                                                else gitmod.EMPTY_TREE)
        done = _run(scratch, "cherry-pick", "--keep-redundant-commits", commit)
        if done.returncode != 0:
            # A file moved out of a folder's way is named <path>~<side>; report <path>.
            paths = {re.sub(r"~(HEAD|[0-9a-f]{7,} \(.*\))$", "", path) for path in
                     git(scratch, "diff", "--name-only", "--diff-filter=U").splitlines()}
            _run(scratch, "cherry-pick", "--abort")
            return Picked(new, (commit, tuple(sorted(paths))))
        if not started_empty and _tree(scratch, "HEAD") == _tree(scratch, "HEAD^"):
            git(scratch, "reset", "-q", "--hard", "HEAD^")
            new[commit] = None
        else:
            new[commit] = git(scratch, "rev-parse", "HEAD").strip()
    return Picked(new, None)


def rebase(repo: Path, onto: str, base: str, tip: str) -> list[str] | None:
    """The commits `git rebase --onto onto base` makes of tip, oldest first (None: conflict)."""
    scratch = repo.parent / "rebase"
    git(repo, "worktree", "add", "-q", "--detach", str(scratch), tip)
    if _run(scratch, "rebase", "-q", "--onto", onto, base).returncode != 0:
        return None
    return git(scratch, "rev-list", "--reverse", f"{onto}..HEAD").split()


def check_against_git(repo: Path, base: str, main: str, tip: str) -> Replayed | Conflict:
    """Replay base..tip onto main and assert it agrees with cherry-pick and rebase."""
    commits = track_commits(repo, base, tip)
    refs_before = git(repo, "for-each-ref")
    status_before = git(repo, "status", "--porcelain")
    ours = replay(repo, main, base, commits)
    assert git(repo, "for-each-ref") == refs_before
    assert git(repo, "status", "--porcelain") == status_before
    git(repo, "fsck", "--strict", "--no-progress")  # every object written is well formed
    picked = cherry_pick(repo, main, commits)
    rebased = rebase(repo, main, base, tip)
    if picked.conflict:
        assert ours == Conflict(picked.conflict[0], ours.paths if isinstance(ours, Conflict)
                                else ())
        assert tuple(sorted(ours.paths)) == picked.conflict[1]
        assert rebased is None
        return ours
    assert isinstance(ours, Replayed), ours
    assert rebased is not None
    made = []
    head = main
    for commit in commits:
        new, theirs = ours.mapping[commit], picked.new[commit]
        if theirs is None:
            assert new == head, f"{commit} should have been dropped"
            continue
        assert new != head
        assert git(repo, "rev-parse", f"{new}^").strip() == head
        assert _tree(repo, new) == _tree(repo, theirs)
        (our_headers, our_message), (their_headers, their_message) = (
            _headers(repo, new), _headers(repo, theirs))
        assert our_message == their_message
        assert our_headers["author"] == their_headers["author"]
        assert our_headers["committer"] == _headers(repo, commit)[0]["committer"]
        made.append(new)
        head = new
    assert ours.head == head
    assert [_tree(repo, c) for c in made] == [_tree(repo, c) for c in rebased]
    assert [_headers(repo, c)[1] for c in made] == [_headers(repo, c)[1] for c in rebased]
    return ours


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_replay_matches_git(tmp_path: Path, case: Case) -> None:
    repo, base, main, tip = build(tmp_path, case)
    check_against_git(repo, base, main, tip)


@pytest.mark.parametrize(("name", "outcome"), [
    ("same line both sides", ("f.txt",)),
    ("main deletes what the track edits", ("a.txt",)),
    ("folder rename on main, track adds into the old folder", ("new/f4.txt",)),
    ("folder rename on main, directoryRenames=true", "new/f4.txt"),
    ("rename on main, edit on the track", "moved/a.txt"),
    ("commit that becomes empty", 1),
    ("empty commit", 3),
])
def test_cases_do_what_git_does(tmp_path: Path, name: str, outcome: object) -> None:
    """Pin down the outcomes the comparison above only checks for agreement."""
    repo, base, main, tip = build(tmp_path, next(case for case in CASES if case.name == name))
    result = replay(repo, main, base, track_commits(repo, base, tip))
    if isinstance(outcome, tuple):
        assert isinstance(result, Conflict) and result.paths == outcome
    elif isinstance(outcome, str):
        assert isinstance(result, Replayed)
        assert outcome in git(repo, "ls-tree", "-r", "--name-only", result.head).split()
    else:
        assert isinstance(result, Replayed)
        assert git(repo, "rev-list", "--count", f"{main}..{result.head}").strip() == str(outcome)


def test_untouched_paths_need_no_merge(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A commit whose paths main left alone is replayed without git's merge."""
    repo, base, main, tip = build(tmp_path, next(c for c in CASES if c.name.startswith("deep")))

    def no_merge(*args: object) -> object:
        raise AssertionError("merged although main did not touch the paths")

    monkeypatch.setattr(objects, "merge_commits", no_merge)
    result = replay(repo, main, base, track_commits(repo, base, tip))
    assert isinstance(result, Replayed)
    assert git(repo, "diff", "--name-only", main, result.head).split() == [
        "pkg1/mod2/sub0/file1.py", "pkg1/mod2/sub1/file2.py"]


def test_replay_onto_its_own_base_keeps_the_commits(tmp_path: Path) -> None:
    repo, base, _, tip = build(tmp_path, CASES[0])
    commits = track_commits(repo, base, tip)
    assert replay(repo, base, base, commits) == Replayed(tip, {tip: tip})


def test_replay_is_deterministic(tmp_path: Path) -> None:
    repo, base, main, tip = build(tmp_path, CASES[-2])
    commits = track_commits(repo, base, tip)
    assert replay(repo, main, base, commits) == replay(repo, main, base, commits)


def test_merge_commits_in_the_track_are_linearised(tmp_path: Path) -> None:
    repo, base, main, _ = build(tmp_path, Case("m", {"a.txt": lines(), "b.txt": "b\n"},
                                               [{"a.txt": lines((0, "main"))}], []))
    git(repo, "checkout", "-q", "-b", "side", base)
    _commit(repo, {"side.txt": "side\n"}, "side 1", who=1)
    _commit(repo, {"a.txt": lines((6, "side"))}, "side 2", who=2)
    git(repo, "checkout", "-q", "track")
    _commit(repo, {"b.txt": "b track\n"}, "track 1", who=3)
    git(repo, "merge", "-q", "--no-ff", "-m", "Merge side", "side")
    _commit(repo, {"a.txt": lines((6, "side"), (11, "after merge"))}, "track 2", who=4)
    tip = git(repo, "rev-parse", "HEAD").strip()
    commits = track_commits(repo, base, tip)
    assert len(commits) == 4
    result = check_against_git(repo, base, main, tip)
    with pytest.raises(ValueError, match="merge commit"):
        replay(repo, main, base, [git(repo, "rev-parse", "HEAD^").strip()])
    assert isinstance(result, Replayed)


@pytest.mark.parametrize("orphan", [{"o.txt": "orphan\n"}, {"a.txt": "orphan's a\n"}])
def test_root_commit(tmp_path: Path, orphan: Commit) -> None:
    """A commit without a parent replays against the empty tree, as cherry-pick does."""
    repo, base, main, _ = build(tmp_path, CASES[0])
    git(repo, "checkout", "-q", "--orphan", "orphan")
    git(repo, "rm", "-rqf", ".")
    root = _commit(repo, orphan, "orphan", who=1)
    ours = replay(repo, main, base, [root])
    picked = cherry_pick(repo, main, [root])
    if picked.conflict:
        assert ours == Conflict(root, picked.conflict[1])
    else:
        assert isinstance(ours, Replayed)
        assert _tree(repo, ours.head) == _tree(repo, str(picked.new[root]))


def test_conflict_named_only_in_merge_tree_messages() -> None:
    """merge-tree can stop with nothing unmerged (a file in the way of an implicit folder
    rename, say); then the CONFLICT messages name the paths."""
    fields = ["tree", "", "1", "a/x", "Auto-merging", "Auto-merging a/x\n",
              "2", "b/y", "c/y", "CONFLICT (implicit dir rename)", "Existing file...\n", ""]
    assert objects._conflicted_paths(fields) == ["b/y", "c/y"]
    assert objects._conflicted_paths(["tree", "f.txt", "", "1", "f.txt", "CONFLICT (contents)",
                                     "CONFLICT (content): f.txt\n", ""]) == ["f.txt"]


def _random_case(seed: int) -> Case:
    """A small random history: files in a few folders, edited, added, removed, renamed."""
    rng = random.Random(seed)
    names = [f"{folder}f{n}.txt" for folder in ("", "d0/", "d1/", "d1/e/") for n in range(6)]
    state = {name: (lines(count=16), False) for name in rng.sample(names, 7)}

    def side(commits: int, tag: str) -> list[Commit]:
        files = dict(state)
        made: list[Commit] = []
        for number in range(commits):
            change: dict[str, Content] = {}
            for _ in range(rng.randint(1, 3)):
                kind = rng.choice(["edit", "edit", "add", "delete", "rename", "mode"])
                present = sorted(files)
                if kind == "add" or not present:
                    name, text = rng.choice(names), lines((rng.randrange(16), tag), count=16)
                    files[name] = (text, False)
                elif kind == "edit":
                    name = rng.choice(present)
                    edited = files[name][0].splitlines()
                    edited[rng.randrange(16)] = f"{tag} {number}"
                    files[name] = ("\n".join(edited) + "\n", files[name][1])
                elif kind == "delete":
                    name = rng.choice(present)
                    del files[name]
                    change[name] = None
                    continue
                elif kind == "rename":
                    name, old = rng.choice(names), rng.choice(present)
                    files[name] = files.pop(old)
                    change[old] = None
                else:
                    name = rng.choice(present)
                    files[name] = (files[name][0], not files[name][1])
                text, executable = files[name]
                change[name] = Exe(text) if executable else text
            made.append(change)
        return made

    base = {name: text for name, (text, _) in state.items()}
    return Case(f"random {seed}", dict(base), side(rng.randint(1, 3), "main"),
                side(rng.randint(1, 4), "track"))


@pytest.mark.parametrize("seed", range(30))
def test_random_histories_match_git(tmp_path: Path, seed: int) -> None:
    repo, base, main, tip = build(tmp_path, _random_case(seed))
    check_against_git(repo, base, main, tip)


def test_track_commits_is_rev_lists_answer_with_or_without_a_linear_chain(tmp_path: Path
                                                                          ) -> None:
    repo, base, main, tip = build(tmp_path, CASES[-2])
    rev_list = git(repo, "rev-list", "--reverse", "--topo-order", "--no-merges",
                   f"{base}..{tip}").split()
    assert track_commits(repo, base, tip) == rev_list
    # main is not on the track's chain: the walk gives up and rev-list answers.
    assert track_commits(repo, main, tip) == git(
        repo, "rev-list", "--reverse", "--topo-order", "--no-merges", f"{main}..{tip}").split()
    assert track_commits(repo, tip, tip) == []
    git(repo, "branch", "named", tip)
    assert track_commits(repo, base, "named") == rev_list  # names go to git
