"""The jail itself, run for real: credentials, masks, the network, what may be written."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from helpers import git, make_repo

from gitorch.names import TrackId
from gitorch.project import open_project
from gitorch.sandbox.jail import Jail
from gitorch.sandbox.rules import gate_jail


def scratch(tmp_path: Path, config: str) -> tuple[Path, Jail]:
    """A repository with gitorch.yaml config, and the gate's jail over a folder in it."""
    repo = make_repo(tmp_path / "repo", "# Plan\n", {"gitorch.yaml": config})
    worktree = repo / ".git" / "gitorch" / "scratch"
    worktree.mkdir(parents=True)
    return worktree, gate_jail(open_project(repo), worktree, "/bin/sh")


def inside(jail: Jail, worktree: Path, script: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(jail.argv(["/bin/sh", "-c", script]), cwd=worktree,
                          env=jail.env(env or dict(os.environ)), capture_output=True,
                          text=True, check=False, stdin=subprocess.DEVNULL)
    return done.stdout + done.stderr


def test_credentials_are_hidden_and_named_ones_allowed(tmp_path: Path, bwrap: str) -> None:
    ssh = Path.home() / ".ssh"
    ssh.mkdir()
    (ssh / "id_ed25519").write_text("secret key\n")
    (Path.home() / ".netrc").write_text("machine example.com password hunter2\n")
    worktree, jail = scratch(tmp_path, "sandbox:\n  allow: [GH_TOKEN]\n")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(Path.home()), "GITHUB_TOKEN": "t1",
           "GH_TOKEN": "t2", "SSH_AUTH_SOCK": "/tmp/agent.sock", "ANTHROPIC_API_KEY": "k"}
    said = inside(jail, worktree, 'ls ~/.ssh; cat ~/.netrc; echo "[$GITHUB_TOKEN|$GH_TOKEN|'
                                  '$SSH_AUTH_SOCK|$ANTHROPIC_API_KEY]"; git config --get-all '
                                  'credential.helper; echo "helpers: $?"', env)
    # Nothing listed or read; git's credential helpers emptied (one empty value).
    assert said == "[|t2||k]\n\nhelpers: 0\n"


def test_only_the_scratch_worktree_is_writable(tmp_path: Path, bwrap: str) -> None:
    worktree, jail = scratch(tmp_path, "")
    repo = tmp_path / "repo"
    said = inside(jail, worktree, f"touch mine && echo wrote; touch {repo}/theirs 2>&1 || "
                                  f"echo refused; touch /tmp/private && echo tmp")
    assert said.splitlines()[0] == "wrote"
    assert said.splitlines()[-2:] == ["refused", "tmp"]
    assert (worktree / "mine").exists() and not (repo / "theirs").exists()
    assert not Path("/tmp/private").exists()


def test_network_false_leaves_only_loopback(tmp_path: Path, bwrap: str) -> None:
    worktree, jail = scratch(tmp_path, "sandbox:\n  network: false\n")
    devices = inside(jail, worktree, "tail -n +3 /proc/net/dev | cut -d: -f1")
    assert devices.split() == ["lo"]
    _, jail = scratch(tmp_path / "on", "sandbox:\n  network: true\n")
    assert "--unshare-net" not in jail.argv([])


def test_off_keeps_no_sandbox_but_still_removes_credentials(tmp_path: Path) -> None:
    _, jail = scratch(tmp_path, "sandbox: off\n")
    assert not jail.sandboxed and jail.argv(["true"]) == ["true"]
    env = jail.env({"GITHUB_TOKEN": "t", "HOME": "/h"})
    assert "GITHUB_TOKEN" not in env and env["HOME"] == "/h"
    assert env["GIT_CONFIG_KEY_0"] == "credential.helper" and env["GIT_CONFIG_VALUE_0"] == ""


def test_a_track_jail_opens_its_own_ref_folders_only(tmp_path: Path, bwrap: str) -> None:
    from gitorch.sandbox.rules import track_jail

    repo = make_repo(tmp_path / "repo", "# Plan\n")
    worktree = tmp_path / "wt"
    git(repo, "worktree", "add", "-q", "-b", "gitorch/A/1/one", str(worktree))
    git(repo, "branch", "gitorch/A/2/two")
    jail = track_jail(open_project(repo), TrackId("A", "1"), worktree,
                      repo / ".git" / "worktrees" / "wt", "gitorch/A/1/one", "/bin/sh")
    said = inside(jail, worktree, "git commit -q --allow-empty -m mine && echo committed; "
                                  "git update-ref refs/heads/gitorch/A/2/two HEAD 2>&1 || echo no")
    assert said.splitlines()[0] == "committed" and said.splitlines()[-1] == "no", said
