"""git's command line for talking to remotes: reach, fetch, and atomic pushes with leases.

The user's own git runs these, so credential helpers, SSH config and the remote's hooks apply.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from gitorch import process
from gitorch.errors import GitorchError
from gitorch.git import RepoPaths, git, read_ref
from gitorch.state import write_atomic


class RemoteTimedOut(GitorchError):
    """A remote that did not answer in time (the git talking to it was ended)."""


def _talk(paths: RepoPaths, remote: str, args: list[str], timeout: float
          ) -> process.Completed:
    """git talking to remote from the main worktree, ended after timeout seconds."""
    try:
        return git(args, paths.main_worktree, check=False, timeout=timeout)
    except process.TimedOut:
        raise RemoteTimedOut(f"{remote} did not answer within {timeout:g}s (git {args[0]}); "
                             "check the network, or raise remote_timeout") from None


def last_fetched(paths: RepoPaths, remote: str) -> float | None:
    """When a fetch from remote last succeeded, or None if none did (or it is unknown)."""
    try:
        return _fetched_stamp(paths, remote).stat().st_mtime
    except OSError:
        return None


def _fetched_stamp(paths: RepoPaths, remote: str) -> Path:
    # Not FETCH_HEAD: git rewrites it before it knows whether the remote answers.
    return paths.state_dir / "fetched" / remote


def remote_url(paths: RepoPaths, remote: str) -> str | None:
    """The fetch URL of remote, or None if the repository has no such remote; asked of git
    again only once a config file it comes from has changed (a run asks every tick)."""
    key = (paths.common_dir, remote, *(_stamp(path) for path in _config_files(paths)))
    if key not in _URLS:
        done = git(["remote", "get-url", remote], paths.worktree, check=False)
        _URLS[key] = done.stdout.strip() if done.returncode == 0 else None
    return _URLS[key]


_URLS: dict[tuple[object, ...], str | None] = {}


def _config_files(paths: RepoPaths) -> list[Path]:
    """Where a remote and its url.*.insteadOf can be set: the repository's, the user's and
    the system's config."""
    home = Path(os.environ.get("HOME", "~")).expanduser()
    xdg = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
    found = [paths.common_dir / "config", paths.git_dir / "config.worktree",
             home / ".gitconfig", xdg / "git" / "config", Path("/etc/gitconfig")]
    return found + [Path(os.environ[name]) for name in ("GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM")
                    if os.environ.get(name)]


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_ino, status.st_mtime_ns, status.st_size


def configured_url(paths: RepoPaths, remote: str) -> str | None:
    """The remote's URL as written in the config, before any url.*.insteadOf rewriting."""
    done = git(["config", "--get", f"remote.{remote}.url"], paths.worktree, check=False)
    return done.stdout.strip() if done.returncode == 0 else None


def ls_remote(paths: RepoPaths, remote: str, timeout: float) -> process.Completed:
    """Ask the remote for its refs (reachability and credentials check)."""
    return git(["ls-remote", "--heads", remote], paths.worktree, check=False, timeout=timeout)


def push_dry_run(paths: RepoPaths, remote: str, refspec: str, timeout: float
                 ) -> process.Completed:
    """Check push rights without changing the remote."""
    return git(["push", "--dry-run", "--porcelain", remote, refspec], paths.worktree,
               check=False, timeout=timeout)


def fetch(paths: RepoPaths, remote: str, refspecs: list[str], timeout: float) -> bool:
    """Fetch refspecs (pruning what the remote deleted); False if a named ref is absent."""
    done = _talk(paths, remote, ["fetch", "--quiet", "--no-tags", "--prune", remote, *refspecs],
                 timeout)
    if done.returncode == 0:
        write_atomic(_fetched_stamp(paths, remote), b"")
        return True
    if "couldn't find remote ref" in done.stderr:
        return False
    said = done.stderr.strip().splitlines()
    raise GitorchError(f"git fetch {remote} failed: {said[-1] if said else 'no output'}")


def fetch_branch(paths: RepoPaths, remote: str, branch: str, timeout: float,
                 also: tuple[str, ...] = ()) -> str | None:
    """Fetch remote's branch (and the also refspecs) into refs/remotes/<remote>/<branch>.

    Returns the branch's tip there, or None if the remote has no such branch.
    """
    tracking = f"refs/remotes/{remote}/{branch}"
    if not fetch(paths, remote, [f"+refs/heads/{branch}:{tracking}", *also], timeout):
        if also:
            fetch(paths, remote, list(also), timeout)
        return None
    return read_ref(paths, tracking)


MESSAGE_MAX = 400  # a server may say a lot; an error stays one readable line


@dataclass(frozen=True)
class PushOutcome:
    """How an atomic push went: ok, or rejected because the remote moved, or failed."""

    ok: bool
    remote_moved: bool
    message: str


def push_atomic(paths: RepoPaths, remote: str, updates: list[tuple[str, str | None, str | None]],
                timeout: float) -> PushOutcome:
    """Push (ref, new or None to delete, expected remote value or None for absent) at once.

    Every ref carries a lease, so a remote that moved since we looked rejects the whole push.
    """
    args = ["push", "--atomic", "--porcelain", "--no-verify"]
    refspecs = []
    for ref, new, expected in updates:
        args.append(f"--force-with-lease={ref}:{expected or ''}")
        refspecs.append(f"{new}:{ref}" if new else f":{ref}")
    done = _talk(paths, remote, [*args, remote, *refspecs], timeout)
    if done.returncode == 0:
        return PushOutcome(True, False, "")
    said = (done.stderr + done.stdout).strip()
    # A push racing another to the same ref loses on the server ("cannot lock ref ...: is
    # at X but expected Y", or "...: reference already exists"): the remote moved too.
    moved = any(sign in said for sign in ("stale info", "fetch first", "non-fast-forward",
                                          "but expected", "reference already exists"))
    return PushOutcome(False, moved, push_failure(done.stdout, done.stderr, done.returncode))


def push_failure(stdout: str, stderr: str, code: int) -> str:
    """Why a push failed, in one line: the refusal and what the server said (`remote:`)."""
    refused = [fields[2] for line in stdout.splitlines()
               if line.startswith("!") and len(fields := line.split("\t")) >= 3]
    server = [line.removeprefix("remote:").strip() for line in stderr.splitlines()
              if line.startswith("remote:")]
    reasons = list(dict.fromkeys(part for part in refused + server if part))
    if not reasons:
        # Porcelain ends with `Done`, which says nothing: git's own last word instead.
        reasons = [line.strip() for line in (stderr + "\n" + stdout).splitlines()
                   if line.strip() and line.strip() != "Done" and not line.startswith("To ")
                   ][-1:] or [f"git push exited {code}"]
    text = "; ".join(reasons)
    text = "".join("?" if ord(c) < 32 or ord(c) == 127 else c for c in text)
    return text if len(text) <= MESSAGE_MAX else text[:MESSAGE_MAX - 1] + "…"
