"""All git access goes through this package; nothing else runs git.

This module uses the git command line for discovery, refs and worktrees; `worktree_files`
scans a worktree's uncommitted files and moves its checkout, `heads` reads where a
worktree's HEAD is and has been, `network` fetches and pushes, `blobs` sizes the files a
landing brings, and `objects` reads and writes objects in memory for land's replay,
reading them through one `git cat-file --batch`.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from gitorch import process
from gitorch.errors import GitorchError
from gitorch.git import locks, reffiles
from gitorch.state import write_atomic


@dataclass(frozen=True)
class RepoPaths:
    """Where a repository lives, all paths absolute."""

    worktree: Path  # top of the worktree the command was run in
    git_dir: Path  # that worktree's private git dir
    common_dir: Path  # shared by every worktree
    main_worktree: Path  # the worktree of the main checkout

    @property
    def state_dir(self) -> Path:
        return self.common_dir / "gitorch"


def git(args: list[str], cwd: Path, *, check: bool = True, input: str | None = None,
        timeout: float | None = None) -> process.Completed:
    """Run the git command line in cwd."""
    return process.run(["git", *args], cwd, check=check, input=input, timeout=timeout)


@cache
def version() -> tuple[int, int, int]:
    """The installed git's version, checked once per process."""
    out = process.run(["git", "--version"]).stdout
    found = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", out)
    if not found:
        raise GitorchError(f"cannot read git's version from {out.strip()!r}")
    major, minor, patch = found.groups()
    return int(major), int(minor), int(patch or 0)


def discover(cwd: Path) -> RepoPaths:
    """Find the repository that cwd is in, from any worktree or subfolder."""
    if cwd in _HANDED_DOWN:
        return _HANDED_DOWN[cwd]
    done = git(
        ["rev-parse", "--path-format=absolute", "--show-toplevel", "--git-dir",
         "--git-common-dir"],
        cwd, check=False,
    )
    lines = done.stdout.splitlines()
    if done.returncode != 0 or len(lines) != 3:
        raise GitorchError(
            f"{cwd} is not inside a git work tree; run gitorch inside your project "
            "(or `git init` one first)"
        )
    worktree, git_dir, common_dir = (Path(line) for line in lines)
    return RepoPaths(worktree, git_dir, common_dir, _main_worktree(common_dir, cwd))


# Repositories a parent process found before it forked this one, by main worktree.
_HANDED_DOWN: dict[Path, RepoPaths] = {}


def hand_down(paths: RepoPaths) -> None:
    """Let discover answer for paths' main worktree without git, in a child forked by the
    process that found it (a runner: one git process less a track)."""
    main = paths.main_worktree
    _HANDED_DOWN[main] = RepoPaths(main, paths.common_dir, paths.common_dir, main)


def _main_worktree(common_dir: Path, cwd: Path) -> Path:
    if common_dir.name == ".git":
        return common_dir.parent
    first = git(["worktree", "list", "--porcelain"], cwd).stdout.splitlines()[0]
    return Path(first.removeprefix("worktree "))


def main_head_branch(paths: RepoPaths) -> str | None:
    """The branch the main worktree has checked out, or None if its HEAD is detached."""
    head = (paths.common_dir / "HEAD").read_text(encoding="utf-8").strip()
    if head.startswith("ref: refs/heads/"):
        return head.removeprefix("ref: refs/heads/")
    return None


def resolve(paths: RepoPaths, rev: str) -> str | None:
    """The full commit id rev names, or None if it names nothing."""
    done = git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], paths.worktree,
               check=False)
    return done.stdout.strip() if done.returncode == 0 else None


def read_file_at(paths: RepoPaths, rev: str, path: str) -> bytes | None:
    """The bytes of path as committed at rev, or None if it is not there."""
    return process.run_bytes(["git", "cat-file", "blob", f"{rev}:{path}"], paths.worktree)


def recent_commits(paths: RepoPaths, rev: str, count: int) -> list[tuple[str, str]]:
    """The last count commits on rev as (short id, subject), newest first."""
    done = git(["log", f"-n{count}", "--format=%h%x09%s", rev, "--"], paths.worktree,
               check=False)
    if done.returncode != 0:
        return []
    return [tuple(line.split("\t", 1)) for line in done.stdout.splitlines()]  # type: ignore[misc]


EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
# gitorch's own commits (claims, throwaway repositories) work on a machine with no identity.
GITORCH_IDENTITY = ["-c", "user.name=gitorch", "-c", "user.email=gitorch@localhost"]
LOCK_RETRIES = 20


class RefMoved(GitorchError):
    """A compare-and-swap ref update found the ref somewhere other than expected."""


RefLocked = locks.RefLocked


def read_ref(paths: RepoPaths, ref: str) -> str | None:
    """The commit id ref points to, or None if it does not exist."""
    found = reffiles.read_refs(paths.common_dir, [ref])
    if found is not None:
        return found.get(ref)
    done = git(["rev-parse", "--verify", "--quiet", ref], paths.worktree, check=False)
    return done.stdout.strip() if done.returncode == 0 else None


def read_refs(paths: RepoPaths, *refs: str) -> dict[str, str]:
    """Each of refs (full names) that exists, mapped to its commit id: from the ref files
    where they can tell, else from one git process."""
    found = reffiles.read_refs(paths.common_dir, refs)
    if found is not None:
        return found
    listed = list_refs(paths, *refs)
    return {ref: listed[ref] for ref in refs if ref in listed}


def list_refs(paths: RepoPaths, prefix: str, *more: str) -> dict[str, str]:
    """Every ref under prefix (and the more prefixes), mapped to its commit id."""
    out = git(["for-each-ref", "--format=%(objectname) %(refname)", prefix, *more],
              paths.worktree)
    return {name: oid for oid, name in (line.split(" ", 1) for line in out.stdout.splitlines())}


def ref_messages(paths: RepoPaths, prefix: str) -> dict[str, tuple[str, str]]:
    """Every ref under prefix, mapped to (commit id, commit message), in one git call."""
    out = git(["for-each-ref", "--format=%(refname)%00%(objectname)%00%(contents)%00", prefix],
              paths.worktree).stdout
    parts = out.split("\0")
    return {parts[i].strip(): (parts[i + 1], parts[i + 2]) for i in range(0, len(parts) - 2, 3)}


def log_subjects(paths: RepoPaths, base: str, tip: str) -> list[str]:
    """`abc1234 subject` of each commit in base..tip, newest first ([] if tip is gone)."""
    done = git(["log", "--format=%h %s", f"{base}..{tip}", "--"], paths.worktree, check=False)
    return done.stdout.splitlines() if done.returncode == 0 else []


def commit_message(paths: RepoPaths, oid: str) -> str | None:
    """The message of commit oid, or None if there is no such commit."""
    done = git(["cat-file", "commit", oid], paths.worktree, check=False)
    if done.returncode != 0:
        return None
    return done.stdout.split("\n\n", 1)[1] if "\n\n" in done.stdout else ""


def create_marker_commit(paths: RepoPaths, message: str) -> str:
    """A parentless commit of the empty tree carrying message (claims use these)."""
    if paths.common_dir not in _EMPTY_TREE_WRITTEN:
        # commit-tree only names the empty tree; unwritten, git fsck calls it missing.
        git(["mktree"], paths.worktree, input="")
        _EMPTY_TREE_WRITTEN.add(paths.common_dir)
    return git([*GITORCH_IDENTITY, "commit-tree", EMPTY_TREE, "-F", "-"], paths.worktree,
               input=message).stdout.strip()


_EMPTY_TREE_WRITTEN: set[Path] = set()  # the repositories this process has written it in


def update_ref(paths: RepoPaths, ref: str, new: str | None, expected: str | None,
               reason: str) -> None:
    """Point ref at new (None: delete it) only if it is at expected (None: absent).

    Raises RefMoved if it is not; retries briefly while another process holds the ref's
    lock file, and never removes that file.
    """
    zero = "0" * 40
    if new is None:
        args = ["update-ref", "-m", reason, "-d", ref, expected or zero]
    else:
        args = ["update-ref", "-m", reason, ref, new, expected or zero]
    done = locked_retry(paths, args, None)
    if done.returncode != 0:
        said = done.stderr.strip().splitlines()
        raise RefMoved(f"{ref} moved: {said[-1] if said else ''}")


def update_refs(paths: RepoPaths, changes: list[tuple[str, str | None, str | None]],
                reason: str) -> None:
    """Apply several update_ref changes (ref, new, expected) in one transaction: all or none.

    Raises RefMoved if any ref is not where expected; retries while a lock file is held.
    """
    if not changes:
        return
    zero = "0" * 40
    lines = "".join(f"delete {ref} {expected or zero}\n" if new is None
                    else f"update {ref} {new} {expected or zero}\n"
                    for ref, new, expected in changes)
    done = locked_retry(paths, ["update-ref", "-m", reason, "--stdin"], lines)
    if done.returncode != 0:
        said = done.stderr.strip().splitlines()
        raise RefMoved(f"refs moved: {said[-1] if said else ''}")


def locked_retry(paths: RepoPaths, args: list[str], input: str | None,
                 cwd: Path | None = None) -> process.Completed:
    """Run git, again briefly while another process holds a lock file it needs.

    A stale lock (old, and no git running in the repository) raises RefLocked at once, and
    one still held after every retry raises it too: neither is a ref that moved.
    """
    for attempt in range(LOCK_RETRIES):
        done = git(args, cwd or paths.worktree, check=False, input=input)
        lock = locks.lock_in(done.stderr) if done.returncode != 0 else None
        if lock is None:
            return done
        stale = locks.stale(lock, paths.common_dir)
        if stale is not None:
            raise locks.RefLocked(locks.describe([stale]))
        time.sleep(0.01 * (attempt + 1))
    raise locks.RefLocked(f"{lock} stayed locked (by a running git, or one killed under "
                          f"{locks.STALE_AFTER:.0f} s ago); try again in a few seconds")


def branch_exists(paths: RepoPaths, branch: str) -> bool:
    return read_ref(paths, f"refs/heads/{branch}") is not None


def count_commits(paths: RepoPaths, base: str, tip: str) -> int:
    """How many commits tip has that base does not."""
    done = git(["rev-list", "--count", f"{base}..{tip}"], paths.worktree, check=False)
    return int(done.stdout.strip()) if done.returncode == 0 else 0


def count_commits_beyond(paths: RepoPaths, tip: str, others: Sequence[str]) -> int:
    """How many commits tip has that none of others has."""
    done = git(["rev-list", "--count", tip, "--not", *others], paths.worktree, check=False)
    return int(done.stdout.strip()) if done.returncode == 0 else 0


def create_branch(paths: RepoPaths, branch: str, start: str) -> None:
    git(["branch", branch, start], paths.main_worktree)


def rename_branch(paths: RepoPaths, old: str, new: str) -> None:
    """Rename a branch; a worktree that has it checked out follows it."""
    git(["branch", "-m", old, new], paths.main_worktree)


def delete_branch(paths: RepoPaths, branch: str, expected: str) -> None:
    """Delete branch only if it still points at expected (RefMoved if not)."""
    update_ref(paths, f"refs/heads/{branch}", None, expected, "gitorch: branch removed")


def ref_stamp(paths: RepoPaths, ref: str) -> tuple[object, ...] | None:
    """How the files that hold ref (its loose file, packed-refs) look on disk: while this
    stays the same, ref has not moved. None: neither exists, so ask git."""
    stamps: list[object] = []
    for path in (paths.common_dir / ref, paths.common_dir / "packed-refs"):
        try:
            found = os.stat(path)
        except FileNotFoundError:
            stamps.append(None)
            continue
        except OSError:
            return None
        stamps.append((found.st_ino, found.st_mtime_ns, found.st_size))
    return tuple(stamps) if any(stamps) else None


def is_ancestor(paths: RepoPaths, ancestor: str, descendant: str) -> bool:
    done = git(["merge-base", "--is-ancestor", ancestor, descendant], paths.worktree,
               check=False)
    return done.returncode == 0


def merge_base(paths: RepoPaths, a: str, b: str) -> str | None:
    done = git(["merge-base", a, b], paths.worktree, check=False)
    return done.stdout.strip() if done.returncode == 0 else None


def changed_files(paths: RepoPaths, old: str, new: str) -> list[str]:
    """Paths whose content differs between two commits."""
    out = git(["diff", "--name-only", "--no-renames", "-z", old, new], paths.worktree).stdout
    return [name for name in out.split("\0") if name]


def tree_files(paths: RepoPaths, rev: str) -> list[str]:
    """Every file path in rev's tree ([] if rev names no commit)."""
    done = git(["ls-tree", "-r", "--name-only", "-z", rev, "--"], paths.worktree, check=False)
    return [name for name in done.stdout.split("\0") if name] if done.returncode == 0 else []


def identity(paths: RepoPaths, who: str) -> str:
    """git's identity line for who ("AUTHOR" or "COMMITTER"): gitorch's when none is set."""
    done = git(["var", f"GIT_{who}_IDENT"], paths.worktree, check=False)
    if done.returncode != 0:
        done = git([*GITORCH_IDENTITY, "var", f"GIT_{who}_IDENT"], paths.worktree)
    return done.stdout.strip()


def init_repository(path: Path, branch: str, *, bare: bool = False) -> None:
    """Create a new repository at path whose first branch is branch."""
    path.mkdir(parents=True, exist_ok=True)
    git(["init", "-q", f"--initial-branch={branch}", *(["--bare"] if bare else [])], path)


def commit_all(worktree: Path, message: str) -> None:
    """Commit everything in worktree as gitorch (for throwaway repositories)."""
    git(["add", "-A"], worktree)
    git([*GITORCH_IDENTITY, "commit", "-q", "--no-verify", "-m", message], worktree)


def identity_config(paths: RepoPaths) -> dict[str, str]:
    """user.*, author.* and committer.* name and email as git's config sets them (last wins)."""
    done = git(["config", "--get-regexp", r"^(user|author|committer)\.(name|email)$"],
               paths.worktree, check=False)
    values = {}
    for line in done.stdout.splitlines():
        key, _, value = line.partition(" ")
        values[key.lower()] = value
    return values


def exclude_everywhere(paths: RepoPaths, patterns: Sequence[str], why: str) -> None:
    """Add the patterns missing from info/exclude, which every worktree reads, under a
    comment line saying why."""
    path = paths.common_dir / "info" / "exclude"
    try:
        text = path.read_bytes().decode("utf-8", "surrogateescape")
    except FileNotFoundError:
        text = ""
    missing = [pattern for pattern in patterns if pattern not in text.splitlines()]
    if not missing:
        return
    text += ("" if not text or text.endswith("\n") else "\n") + f"# {why}\n"
    text += "".join(f"{pattern}\n" for pattern in missing)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text.encode("utf-8", "surrogateescape"))


def hooks_dir(paths: RepoPaths) -> Path:
    """The effective hooks folder: core.hooksPath (relative to the main worktree) or hooks/."""
    out = git(["rev-parse", "--path-format=absolute", "--git-path", "hooks"],
              paths.main_worktree).stdout
    return Path(out.strip())


def reflog_subjects(paths: RepoPaths, ref: str) -> list[tuple[str, str, str]]:
    """A ref's reflog, oldest first: (new commit, reflog message, that commit's subject)."""
    done = git(["log", "-g", "--format=%H%x09%gs%x09%s", ref, "--"], paths.worktree,
               check=False)
    if done.returncode != 0:
        return []  # no such ref, or no reflog for it
    entries = [line.split("\t", 2) for line in done.stdout.splitlines()]
    return [(e[0], e[1], e[2]) for e in reversed(entries) if len(e) == 3]
