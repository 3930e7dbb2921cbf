"""Rules made into a bwrap argument list and a child environment."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from gitorch.config.settings import SandboxConfig
from gitorch.errors import GitorchError
from gitorch.sandbox.probe import availability

# Tokens and agents that would let code push, open pull requests or reach cloud accounts.
CREDENTIAL_VARIABLES = frozenset({
    "SSH_AUTH_SOCK", "SSH_AGENT_PID", "SSH_ASKPASS", "GIT_ASKPASS",
    "GH_TOKEN", "GITHUB_TOKEN", "GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN",
    "GITLAB_TOKEN", "GL_TOKEN", "CI_JOB_TOKEN", "BITBUCKET_TOKEN", "GITEA_TOKEN",
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "GOOGLE_APPLICATION_CREDENTIALS", "CLOUDSDK_AUTH_ACCESS_TOKEN",
    "AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PATH", "AZURE_DEVOPS_EXT_PAT",
})
CREDENTIAL_HELPER = "credential.helper"  # named in sandbox.allow: git's helpers stay on
PRIVATE_TMP = Path("/tmp")


@dataclass(frozen=True)
class Rules:
    """What one confined run may see and touch; paths absolute."""

    workdir: Path
    writable: tuple[Path, ...]
    pinned: tuple[Path, ...] = ()  # read-only again inside a writable folder
    visible: tuple[Path, ...] = ()  # kept readable though under the private /tmp
    hidden: tuple[Path, ...] = ()  # credential files and folders, masked
    empty: Path = Path("/dev/null")  # an empty file bound over hidden files
    hidden_env: frozenset[str] = CREDENTIAL_VARIABLES
    keep_helpers: bool = False
    network: bool = True


@dataclass(frozen=True)
class Jail:
    """The bwrap arguments put in front of a command (none: unconfined) and its env rules."""

    prefix: tuple[str, ...] = ()
    hidden_env: frozenset[str] = CREDENTIAL_VARIABLES
    keep_helpers: bool = False

    @property
    def sandboxed(self) -> bool:
        return bool(self.prefix)

    def argv(self, argv: Sequence[str]) -> list[str]:
        return [*self.prefix, *argv]

    def env(self, env: Mapping[str, str]) -> dict[str, str]:
        """env less credentials, with git's credential helpers emptied unless allowed."""
        kept = {name: value for name, value in env.items() if name not in self.hidden_env}
        if not self.keep_helpers:
            # An empty value resets the list of helpers every config file added.
            count = int(kept.get("GIT_CONFIG_COUNT", "0") or "0")
            kept.update({"GIT_CONFIG_COUNT": str(count + 1),
                         f"GIT_CONFIG_KEY_{count}": CREDENTIAL_HELPER,
                         f"GIT_CONFIG_VALUE_{count}": ""})
        return kept


def unconfined(config: SandboxConfig) -> Jail:
    """No jail, only the environment's rules: credentials hidden but those allowed."""
    allowed = set(config.allow)
    return Jail((), CREDENTIAL_VARIABLES - allowed, CREDENTIAL_HELPER in allowed)


def confine(config: SandboxConfig, rules: Rules) -> Jail:
    """The jail the rules make under config's mode; unconfined when off or bwrap is absent."""
    loose = Jail((), rules.hidden_env, rules.keep_helpers)
    if config.mode == "off":
        return loose
    found = availability()
    if found.bwrap is None:
        if config.mode == "bwrap":
            raise GitorchError(f"sandbox: bwrap is set but {found.why_not}; {found.fix}, "
                               "or set sandbox: auto in gitorch.yaml to run without it")
        return loose
    return Jail((found.bwrap, *bwrap_args(rules), "--"), rules.hidden_env, rules.keep_helpers)


def bwrap_args(rules: Rules) -> list[str]:
    """Everything read-only, a private /tmp, then the rules' holes and masks, in that order."""
    args = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
            "--tmpfs", str(PRIVATE_TMP)]
    # Folders before what is inside them, as below.
    for path in sorted(_existing(rules.visible), key=lambda p: len(p.parts)):
        if path.is_relative_to(PRIVATE_TMP):
            args += ["--ro-bind", str(path), str(path)]
    # Folders before what is inside them, so that a later mount is not hidden by an earlier.
    for path in sorted(_existing(rules.writable), key=lambda p: len(p.parts)):
        args += ["--bind", str(path), str(path)]
    for path in _existing(rules.pinned):
        args += ["--ro-bind", str(path), str(path)]
    for path in _existing(rules.hidden):
        args += (["--tmpfs", str(path)] if path.is_dir()
                 else ["--ro-bind", str(rules.empty), str(path)])
    args += ["--unshare-pid", "--die-with-parent", "--new-session"]
    if not rules.network:
        args.append("--unshare-net")
    return [*args, "--chdir", str(rules.workdir)]


def _existing(paths: Sequence[Path]) -> list[Path]:
    """Each path that exists, resolved (bwrap binds real paths), each once."""
    seen: dict[Path, None] = {}
    for path in paths:
        if path.exists():
            seen.setdefault(path.resolve(), None)
    return list(seen)
