"""The post-commit hook: installed into the effective hooks folder, chaining a user's own.

The hook itself is `hooks/post-commit`, a few lines of POSIX sh. It reports commits only in
worktrees that `mark_worktree` has marked, by appending to the track's events log (read by
`gitorch.tracks.events`). A hook that was already installed is renamed to `CHAINED` beside ours,
which runs it with the same arguments and stdin and exits with its exit code.
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

from gitorch.errors import GitorchError
from gitorch.names import TrackId, wip_ref
from gitorch.state import StateDir, write_atomic

HOOK = "post-commit"
CHAINED = "post-commit.gitorch-chained"
MARKER = b"# gitorch-hook v"
TRACK_MARK = "gitorch-track"
WIP_MARK = "gitorch-wip"  # the wip ref the hook mirrors each commit to


def template() -> bytes:
    """The hook as shipped in the package."""
    return (files("gitorch") / "hooks" / HOOK).read_bytes()


def is_ours(path: Path) -> bool:
    """Whether path is a gitorch hook, of this version or an older one."""
    try:
        head = path.read_bytes()[:1024]
    except OSError:
        return False
    return any(line.startswith(MARKER) for line in head.splitlines()[:5])


def install(hooks: Path) -> list[str]:
    """Install the hook into the folder hooks; return what changed (empty: nothing)."""
    hook, chained = hooks / HOOK, hooks / CHAINED
    ours = template()
    if is_ours(hook):
        if hook.read_bytes() == ours and os.access(hook, os.X_OK):
            return []
        _write_executable(hook, ours)
        return [f"updated post-commit hook in {hooks}"]
    if not _present(hook):
        _write_executable(hook, ours)
        if _present(chained):
            return [f"installed post-commit hook in {hooks}; it runs your {CHAINED}"]
        return [f"installed post-commit hook in {hooks}"]
    if _present(chained) and not _same_file_contents(hook, chained):
        raise GitorchError(
            f"{hook} is not gitorch's and {chained} already holds another hook; move one of "
            "them away, then run `gitorch init` again"
        )
    # A tool that rewrites its hooks leaves the same bytes as the copy already chained.
    os.replace(hook, chained)
    _write_executable(hook, ours)
    return [f"installed post-commit hook in {hooks}; kept your own as {CHAINED}, which it runs"]


def refresh(hooks: Path) -> list[str]:
    """Update gitorch's hook in hooks if an older gitorch installed it; what changed.

    An older hook may not know the refs a newer gitorch's tracks use: their commits would
    go unmirrored. A folder without our hook is left as the person chose.
    """
    return install(hooks) if is_ours(hooks / HOOK) else []


def uninstall(hooks: Path) -> list[str]:
    """Remove gitorch's hook from hooks and put back the one it replaced (if any)."""
    hook, chained = hooks / HOOK, hooks / CHAINED
    present = _present(hook)
    if present and not is_ours(hook):
        return []
    if _present(chained):
        # A rename keeps the user's hook as it was: bytes, mode, even a symlink.
        os.replace(chained, hook)
        return [f"removed gitorch's post-commit hook from {hooks} and restored yours"]
    if present:
        hook.unlink()
        return [f"removed post-commit hook from {hooks}"]
    return []


def mark_worktree(git_dir: Path, track: TrackId) -> None:
    """Mark the worktree whose private git dir is git_dir as track's, for the hook."""
    write_atomic(git_dir / TRACK_MARK, f"{track.key}\n".encode())
    write_atomic(git_dir / WIP_MARK, f"{wip_ref(track)}\n".encode())
    # The hook never creates folders; make sure the one it appends to exists.
    events = StateDir(_common_dir(git_dir) / "gitorch").events(track)
    events.parent.mkdir(parents=True, exist_ok=True)


def _common_dir(git_dir: Path) -> Path:
    try:
        pointer = (git_dir / "commondir").read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return git_dir  # the main worktree's git dir is the common dir
    return (git_dir / pointer).resolve()


def _present(path: Path) -> bool:
    return os.path.lexists(path)


def _same_file_contents(one: Path, other: Path) -> bool:
    try:
        return one.read_bytes() == other.read_bytes()
    except OSError:
        return False


def _write_executable(path: Path, data: bytes) -> None:
    """Write an executable file atomically, so that git never runs half a hook."""
    write_atomic(path, data, mode=0o755)
