"""The post-commit hook: installing and chaining it, and what it reports, with real commits."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from helpers import GIT_IDENTITY, git, make_repo, run_gitorch, sample

from gitorch import git as gitorch_git
from gitorch.errors import GitorchError
from gitorch.git.checkouts import worktree_git_dir
from gitorch.names import TrackId
from gitorch.state import StateDir
from gitorch.tracks import hook
from gitorch.tracks.events import CommitEvent, read_events

TRACK = TrackId("E", "1")
COMMIT_TIME = int(datetime.fromisoformat(GIT_IDENTITY["GIT_COMMITTER_DATE"].replace(
    "Z", "+00:00")).timestamp())
# A user's own hook: records its arguments, stdin and where it ran, then fails.
USER_HOOK = b"""#!/bin/sh
{ echo "args:$#:$*"; echo "stdin:$(cat)"; echo "pwd:$PWD"; } >> "$0.ran"
exit 3
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo", sample("seed-style.md"))


def hooks_of(repo: Path) -> Path:
    return gitorch_git.hooks_dir(gitorch_git.discover(repo))


def add_worktree(repo: Path, name: str, track: TrackId | None = TRACK) -> Path:
    """A linked worktree beside repo; marked as track's unless track is None."""
    path = repo.parent / name
    git(repo, "worktree", "add", "-q", "-b", f"gitorch/{name}", str(path))
    if track is not None:
        hook.mark_worktree(worktree_git_dir(path), track)
    return path


def commit(cwd: Path, message: str, env: dict[str, str] | None = None
           ) -> subprocess.CompletedProcess[str]:
    """`git commit` in cwd as a user would; returns the finished process."""
    return subprocess.run(["git", "commit", "-q", "--allow-empty", "-F", "-"], cwd=cwd,
                          input=message, capture_output=True, text=True, check=False,
                          env={**os.environ, **(env or {})})


def head(cwd: Path) -> str:
    return git(cwd, "rev-parse", "HEAD").strip()


def events_of(repo: Path, track: TrackId = TRACK) -> list[CommitEvent]:
    return read_events(StateDir(repo / ".git" / "gitorch"), track)


def run_hook(hooks: Path, cwd: Path, *args: str, stdin: str = "",
             env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed hook the way git does, but with arguments and stdin of our own."""
    return subprocess.run([str(hooks / "post-commit"), *args], cwd=cwd, input=stdin,
                          capture_output=True, text=True, check=False,
                          env={**os.environ, **(env or {})})


def write_user_hook(path: Path, data: bytes = USER_HOOK, mode: int = 0o755) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    path.chmod(mode)


def test_init_installs_the_packaged_hook_once(repo: Path) -> None:
    first = run_gitorch(repo, "init", check=True)
    installed = repo / ".git" / "hooks" / "post-commit"
    assert f"installed post-commit hook in {repo / '.git' / 'hooks'}\n" in first.stdout
    assert installed.read_bytes() == hook.template()
    assert hook.template() == (Path(__file__).parents[2] / "hooks" / "post-commit").read_bytes()
    assert installed.stat().st_mode & stat.S_IXUSR
    before = installed.stat().st_mtime_ns
    second = run_gitorch(repo, "init", check=True)
    assert second.stdout == "Nothing to do: gitorch is already set up here.\n"
    assert installed.stat().st_mtime_ns == before
    assert not (repo / ".git" / "hooks" / hook.CHAINED).exists()


def test_relative_hooks_path_is_read_from_the_main_worktree(repo: Path) -> None:
    git(repo, "config", "core.hooksPath", ".githooks")
    side = add_worktree(repo, "side", track=None)
    run_gitorch(side, "init", check=True)
    assert (repo / ".githooks" / "post-commit").read_bytes() == hook.template()
    assert not (side / ".githooks").exists()
    assert not (repo / ".git" / "hooks" / "post-commit").exists()


def test_absolute_hooks_path_of_another_tool_keeps_its_hooks_running(repo: Path,
                                                                      tmp_path: Path) -> None:
    shared = tmp_path / "tool-hooks"
    write_user_hook(shared / "post-commit")
    write_user_hook(shared / "pre-commit", b"#!/bin/sh\nexit 0\n")
    git(repo, "config", "core.hooksPath", str(shared))
    assert hooks_of(repo) == shared
    assert hook.install(hooks_of(repo)) == [
        f"installed post-commit hook in {shared}; kept your own as {hook.CHAINED}, which it runs"]
    track = add_worktree(repo, "group_E_track_1")
    assert commit(track, "Add the registry\n").returncode == 0
    assert [event.commit for event in events_of(repo)] == [head(track)]
    assert (shared / f"{hook.CHAINED}.ran").read_text().splitlines() == [
        "args:0:", "stdin:", f"pwd:{track}"]
    assert (shared / "pre-commit").read_bytes() == b"#!/bin/sh\nexit 0\n"


def test_chained_hook_gets_arguments_and_stdin_and_its_exit_code_is_passed_on(
        repo: Path) -> None:
    hooks = hooks_of(repo)
    write_user_hook(hooks / "post-commit")
    hook.install(hooks)
    assert commit(repo, "A commit of the user's\n").returncode == 0
    done = run_hook(hooks, repo, "one", "two words", stdin="from stdin\n")
    assert done.returncode == 3
    assert (hooks / f"{hook.CHAINED}.ran").read_text().splitlines() == [
        "args:0:", "stdin:", f"pwd:{repo}",
        "args:2:one two words", "stdin:from stdin", f"pwd:{repo}"]


def test_a_non_executable_user_hook_stays_ignored_as_git_would(repo: Path) -> None:
    hooks = hooks_of(repo)
    write_user_hook(hooks / "post-commit", mode=0o644)
    hook.install(hooks)
    assert run_hook(hooks, repo).returncode == 0
    assert not (hooks / f"{hook.CHAINED}.ran").exists()


def test_uninstall_restores_the_user_hook_byte_for_byte(repo: Path) -> None:
    original = b"#!/bin/sh\r\necho 'mine'\r\n# no newline at the end"
    user_hook = repo / ".git" / "hooks" / "post-commit"
    write_user_hook(user_hook, original, mode=0o750)
    installed = run_gitorch(repo, "init", check=True)
    assert f"kept your own as {hook.CHAINED}" in installed.stdout
    assert user_hook.read_bytes() == hook.template()
    removed = run_gitorch(repo, "init", "--uninstall", check=True)
    assert "restored yours" in removed.stdout
    assert user_hook.read_bytes() == original
    assert stat.S_IMODE(user_hook.stat().st_mode) == 0o750
    assert not (user_hook.parent / hook.CHAINED).exists()
    again = run_gitorch(repo, "init", "--uninstall", check=True)
    assert again.stdout == "Nothing to do: no gitorch hook is installed here.\n"
    assert user_hook.read_bytes() == original


def test_uninstall_without_a_user_hook_removes_ours(repo: Path) -> None:
    hooks = hooks_of(repo)
    hook.install(hooks)
    assert hook.uninstall(hooks) == [f"removed post-commit hook from {hooks}"]
    assert not os.path.lexists(hooks / "post-commit")
    assert hook.uninstall(hooks) == []


def test_an_older_hook_of_ours_is_replaced_not_chained(repo: Path) -> None:
    hooks = hooks_of(repo)
    write_user_hook(hooks / "post-commit", b"#!/bin/sh\n# gitorch-hook v0\nexit 0\n")
    assert hook.install(hooks) == [f"updated post-commit hook in {hooks}"]
    assert (hooks / "post-commit").read_bytes() == hook.template()
    assert not (hooks / hook.CHAINED).exists()


def test_a_second_foreign_hook_is_never_overwritten(repo: Path) -> None:
    hooks = hooks_of(repo)
    write_user_hook(hooks / "post-commit")
    hook.install(hooks)
    # Another tool rewrites its hook over ours: the same bytes as the one already chained.
    write_user_hook(hooks / "post-commit")
    hook.install(hooks)
    assert (hooks / "post-commit").read_bytes() == hook.template()
    assert (hooks / hook.CHAINED).read_bytes() == USER_HOOK
    # A different hook over ours: installing again must not lose either.
    write_user_hook(hooks / "post-commit", b"#!/bin/sh\necho other\n")
    with pytest.raises(GitorchError, match="move one of them away"):
        hook.install(hooks)
    assert (hooks / "post-commit").read_bytes() == b"#!/bin/sh\necho other\n"
    assert (hooks / hook.CHAINED).read_bytes() == USER_HOOK


def test_commits_in_a_track_worktree_are_reported(repo: Path) -> None:
    hook.install(hooks_of(repo))
    track = add_worktree(repo, "group_E_track_1")
    commit(track, "Add the registry\n")
    first = head(track)
    commit(track, "Mention Gitorch-Done: true only in passing\n\n"
                  "Gitorch-Done: true\n\nis not a trailer when a paragraph follows it.\n")
    second = head(track)
    commit(track, "Finish the registry\tand its tests\n\nBody.\n\nGitorch-Done: true\n")
    third = head(track)
    assert events_of(repo) == [
        CommitEvent(COMMIT_TIME, first, False, "Add the registry"),
        CommitEvent(COMMIT_TIME, second, False, "Mention Gitorch-Done: true only in passing"),
        CommitEvent(COMMIT_TIME, third, True, "Finish the registry\tand its tests"),
    ]
    log = repo / ".git" / "gitorch" / "events" / "group_E_track_1.log"
    assert log.read_text().splitlines()[0] == f"{COMMIT_TIME}\t{first}\t0\tAdd the registry"


def test_trailer_value_decides_done(repo: Path) -> None:
    hook.install(hooks_of(repo))
    track = add_worktree(repo, "group_E_track_1")
    commit(track, "Not yet\n\nGitorch-Done: false\n")
    commit(track, "Now\n\nSigned-off-by: Ada <ada@example.com>\ngitorch-done: TRUE\n")
    commit(track, "Changed my mind\n\nGitorch-Done: true\nGitorch-Done: false\n")
    assert [(event.subject, event.done) for event in events_of(repo)] == [
        ("Not yet", False), ("Now", True), ("Changed my mind", False)]


def test_commits_outside_track_worktrees_write_nothing(repo: Path) -> None:
    hook.install(hooks_of(repo))
    marked = add_worktree(repo, "group_E_track_1")
    plain = add_worktree(repo, "plain", track=None)
    commit(repo, "On main\n\nGitorch-Done: true\n")
    commit(plain, "In an unmarked worktree\n\nGitorch-Done: true\n")
    events = repo / ".git" / "gitorch" / "events"
    assert sorted(path.name for path in events.iterdir()) == []
    commit(marked, "In the track\n")
    assert [event.subject for event in events_of(repo)] == ["In the track"]


def test_the_hook_reads_a_relative_git_dir_or_the_dot_git_file(repo: Path) -> None:
    hooks = hooks_of(repo)
    hook.install(hooks)
    track = add_worktree(repo, "group_E_track_1")
    git_dir = worktree_git_dir(track)
    relative = {"GIT_DIR": os.path.relpath(git_dir, track),
                "GIT_INDEX_FILE": os.path.relpath(git_dir / "index", track)}
    assert run_hook(hooks, track, env=relative).returncode == 0
    assert run_hook(hooks, track).returncode == 0  # no GIT_DIR: the .git file says where
    assert [event.commit for event in events_of(repo)] == [head(track)] * 2


def without_gitorch_on_path() -> dict[str, str]:
    git_exe = shutil.which("git")
    assert git_exe
    return {"PATH": f"{Path(git_exe).parent}:/bin"}


@pytest.mark.parametrize("damage", ["no state folder", "events log unwritable", "no events"])
def test_a_broken_setup_never_fails_a_commit(repo: Path, damage: str) -> None:
    hooks = hooks_of(repo)
    write_user_hook(hooks / "post-commit", b"#!/bin/sh\nexit 0\n")
    hook.install(hooks)
    track = add_worktree(repo, "group_E_track_1")
    state = repo / ".git" / "gitorch"
    if damage == "no state folder":
        shutil.rmtree(state)
    elif damage == "events log unwritable":
        (state / "events" / "group_E_track_1.log").mkdir()  # even root cannot append to it
    else:
        shutil.rmtree(state / "events")
    env = without_gitorch_on_path()
    done = commit(track, "Still commits\n", env)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert git(track, "log", "-1", "--format=%s").strip() == "Still commits"
    direct = run_hook(hooks, track, env=env)
    assert (direct.returncode, direct.stdout, direct.stderr) == (0, "", "")
    assert not (state / "events").is_dir() or events_of(repo) == []


def test_the_hook_needs_no_gitorch_on_path(repo: Path) -> None:
    hook.install(hooks_of(repo))
    track = add_worktree(repo, "group_E_track_1")
    done = commit(track, "Reported without gitorch\n", without_gitorch_on_path())
    assert (done.returncode, done.stderr) == (0, "")
    assert [event.subject for event in events_of(repo)] == ["Reported without gitorch"]


def test_mark_worktree_writes_the_track_key(repo: Path) -> None:
    track = add_worktree(repo, "group_E_track_1", TrackId("12", "3"))
    git_dir = worktree_git_dir(track)
    assert (git_dir / "gitorch-track").read_text() == "group_12_track_3\n"
    assert (repo / ".git" / "gitorch" / "events").is_dir()


def test_read_events_skips_damaged_lines(tmp_path: Path) -> None:
    state = StateDir(tmp_path / "state")
    assert read_events(state, TRACK) == []
    state.events(TRACK).parent.mkdir(parents=True)
    state.events(TRACK).write_bytes(b"\n".join([
        b"1767960000\t" + b"a" * 40 + b"\t1\tDone\tfor real",
        b"",
        b"garbage",
        b"nan\t" + b"b" * 40 + b"\t0\tNot a time",
        b"1767960001\t" + b"c" * 39 + b"\t0\tShort id",
        b"1767960002\t" + b"d" * 40 + b"\t2\tBad flag",
        b"1767960003.5\t" + b"e" * 64 + b"\t0\tSHA-256, bad bytes \xff",
        b"1767960004\t" + b"f" * 40 + b"\t0\tCut off in the midd",
    ]))
    assert read_events(state, TRACK) == [
        CommitEvent(1767960000, "a" * 40, True, "Done\tfor real"),
        CommitEvent(1767960003.5, "e" * 64, False, "SHA-256, bad bytes \ufffd"),
    ]


def test_ids_kept_as_written_are_reported(repo: Path) -> None:
    hook.install(hooks_of(repo))
    track = add_worktree(repo, "group_3_track_03-01", TrackId("3", "03-01"))
    assert commit(track, "Plan 03-01\n").returncode == 0
    assert [e.subject for e in events_of(repo, TrackId("3", "03-01"))] == ["Plan 03-01"]


def test_start_updates_an_older_hook_so_new_wip_refs_are_mirrored(tmp_path: Path) -> None:
    agent = tmp_path / "mirror.sh"
    agent.write_text('#!/bin/sh\n[ "$GITORCH_PHASE" = work ] || exit 0\n'
                     'echo x > work.txt && git add work.txt && git commit -qm "A/1: work"\n'
                     'git rev-parse refs/gitorch/track/A/1/wip > mirrored.txt 2>&1\n')
    agent.chmod(0o755)
    roadmap = "# Plan\n\n## Group A: One\n\n### Track 1: Alpha\nFirst.\n"
    repo = make_repo(tmp_path / "repo", roadmap, {
        "gitorch.yaml": f"remote: null\nagent:\n  command: [{agent}]\n",
        ".gitignore": "mirrored.txt\n"})
    run_gitorch(repo, "init", check=True)
    hooks = hooks_of(repo)
    # The hook as gitorch installed it before tracks had a ref folder of their own.
    older = hook.template().replace(b"# gitorch-hook v3", b"# gitorch-hook v2").replace(
        b"case $wip in refs/gitorch/track/*/wip | refs/gitorch/wip/*)",
        b"case $wip in refs/gitorch/wip/*)")
    write_user_hook(hooks / "post-commit", older)
    started = run_gitorch(repo, "start", "--wait", check=True)
    assert f"updated post-commit hook in {hooks}" in started.stderr
    assert (hooks / "post-commit").read_bytes() == hook.template()
    worktree = tmp_path / "repo.tracks" / "group_A_track_1"
    assert (worktree / "mirrored.txt").read_text() == head(worktree) + "\n"
