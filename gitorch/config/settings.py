"""The typed, frozen Config and its parts, with the built-in phase prompts."""

from __future__ import annotations

from dataclasses import dataclass, field

from gitorch.errors import GitorchError
from gitorch.roadmap.vocabulary import DEFAULT as DEFAULT_WORDS
from gitorch.roadmap.vocabulary import Vocabulary

REPO_CONFIG_NAME = "gitorch.yaml"
PRESET_NAMES = ("claude", "codex", "aider", "gemini", "opencode", "qwen", "copilot")
OVERLAP_MODES = ("prefer", "strict", "off")
LAND_MODES = ("push", "pr")
PR_LAYOUTS = ("single", "per-track")
SANDBOX_MODES = ("auto", "bwrap", "off")
# Files that change how git, gitorch or CI run: config an agent wrote must not run by itself.
PROTECTED = ("gitorch.yaml", ".gitorch/", ".gitattributes", ".gitmodules", ".github/workflows/",
             ".gitlab-ci.yml", ".circleci/", ".travis.yml", ".buildkite/", "Jenkinsfile",
             "azure-pipelines.yml", ".gitea/workflows/", ".forgejo/workflows/")
PROMPT_FIELDS = ("group", "group_title", "track", "track_title", "track_body", "branch",
                 "worktree", "phase", "paths", "main_commits", "test_output", "pull_request",
                 "review")


# What gitorch tells of (DESIGN §17); `on:` picks among them.
NOTIFY_EVENTS = ("track-done", "track-failed", "conflict", "gate-failed", "needs-review",
                 "rate-limited", "needs-login", "stuck", "landed", "group-done", "run-ended")
SINK_KINDS = ("command", "webhook", "desktop")


@dataclass(frozen=True)
class NotifySink:
    """One place events go: a command (event JSON on stdin), a webhook URL, or the desktop."""

    kind: str  # command | webhook | desktop
    command: tuple[str, ...] = ()
    url: str = ""
    on: tuple[str, ...] = ()  # the events it wants; empty: every one
    timeout: float = 10.0

    def wants(self, event: str) -> bool:
        return not self.on or event in self.on

    @property
    def name(self) -> str:
        """How the sink is named in logs and in `notify --test`."""
        if self.kind == "command":
            return f"command {self.command[0]}"
        return f"webhook {self.url}" if self.kind == "webhook" else "desktop"


class ConfigError(GitorchError):
    """A config file or flag that gitorch cannot use; the message names file, line and key."""


@dataclass(frozen=True)
class AgentConfig:
    """Which agent runs each phase, and for how long at most."""

    preset: str
    command: tuple[str, ...] | None
    timeout: float
    idle_timeout: float = 15 * 60.0  # no output for this long: stuck
    budget_usd: float | None = None  # a track that spends more is stopped
    resume: bool = True  # a phase cut short continues its agent's session
    rate_limit_patterns: tuple[str, ...] = ()  # regexes, for a command of one's own
    auth_patterns: tuple[str, ...] = ()


@dataclass(frozen=True)
class PhaseAgent:
    """A phase's own agent, in place of the top-level one; unset keys are inherited."""

    preset: str | None = None
    command: tuple[str, ...] | None = None
    timeout: float | None = None
    idle_timeout: float | None = None


@dataclass(frozen=True)
class PhaseConfig:
    """One agent run in a track's worktree: its name and its prompt template."""

    name: str
    prompt: str
    agent: PhaseAgent | None = None


@dataclass(frozen=True)
class WorktreeConfig:
    """What a new track worktree gets before its first phase."""

    setup: tuple[str, ...] | None = None  # argv run once in it, e.g. ["uv", "sync"]
    copy: tuple[str, ...] = ()  # globs of ignored files copied from the main worktree


@dataclass(frozen=True)
class LandConfig:
    """How finished tracks reach main: the test gate, the push, how often to retry."""

    test_command: tuple[str, ...] | None
    test_timeout: float
    push: bool
    retries: int
    repair: bool
    repair_attempts: int
    resolve_prompt: str | None  # None: RESOLVE_PROMPT
    fix_prompt: str | None  # None: FIX_PROMPT
    mode: str = "push"  # push: move main; pr: push a branch and open a pull request
    pr: str = "single"  # single: one pull request per landing; per-track: a chain of them
    protected: tuple[str, ...] = PROTECTED  # paths a person approves before they land
    warn_file_size: int | None = 10 * 1024**2  # a landing's file past this is named
    max_file_size: int | None = 50 * 1024**2  # a track with a file past this is left out
    approve: bool = False  # every done track waits as needs-review until a person approves it


@dataclass(frozen=True)
class LogsConfig:
    """How large a track's log (and the gate's) may grow before its middle is dropped."""

    max_size: int | None = 10 * 1024**2  # None: no cap


@dataclass(frozen=True)
class ClaimsConfig:
    """Whether claims are pushed to the remote, and when a silent claim counts as stale."""

    remote: bool
    heartbeat: float
    expire: float


@dataclass(frozen=True)
class RunConfig:
    """The scheduled runner: how often it looks, for how long, how often a track is retried."""

    every: float
    for_: float
    retries: int


@dataclass(frozen=True)
class SchedulingConfig:
    """How the scheduler treats ready tracks whose files overlap a running track's."""

    overlap: str = "prefer"  # prefer | strict | off


@dataclass(frozen=True)
class SandboxConfig:
    """What an agent phase and the test gate may touch (DESIGN §14)."""

    mode: str = "auto"  # auto: bwrap where it works, else off | bwrap: required | off
    writable: tuple[str, ...] = ()  # more paths it may write
    allow: tuple[str, ...] = ()  # credential paths or variables it may see after all
    network: bool = True


@dataclass(frozen=True)
class Config:
    """Every setting gitorch reads, merged from the repository, the user and the flags."""

    roadmap: str
    main_branch: str | None
    remote: str | None
    max_parallel: int
    worktrees_dir: str | None
    agent: AgentConfig
    phases: tuple[PhaseConfig, ...]
    land: LandConfig
    claims: ClaimsConfig
    run: RunConfig
    scheduling: SchedulingConfig = SchedulingConfig()
    worktree: WorktreeConfig = field(default_factory=WorktreeConfig)
    sandbox: SandboxConfig = SandboxConfig()
    remote_timeout: float = 30.0  # seconds one fetch or push of run, start or land may take
    logs: LogsConfig = LogsConfig()
    roadmap_words: Vocabulary = DEFAULT_WORDS  # roadmap.format and the words of §11
    notify: tuple[NotifySink, ...] = ()  # where events are told (DESIGN §17)
    roadmap_given: bool = False  # whether a file or flag set roadmap:, or gitorch finds the plan


_HEADER = """\
You are a coding agent working unattended: nobody will answer questions, so make sensible
decisions and carry on. You are in your own git worktree at {worktree}, on branch {branch},
for one track of this project's roadmap.

Group {group}: {group_title}
Track {track}: {track_title}

{track_body}
"""

_WORK = _HEADER + """
Implement this track. Keep to its scope: leave other tracks and unrelated code alone.
Follow the conventions of the code around you, and add or update tests for what you change.
Commit as you go, in small steps with clear messages. Do not push, do not switch branches,
and do not change the status markers in the roadmap: gitorch updates them when it lands.
"""

_REVIEW = _HEADER + """
Review the work done on this branch for the track above.
1. Run the project's tests (and its linters, if it has them). Fix whatever fails.
2. Read every change this branch made since it left the main branch (git log, git diff
   against the merge base). Check it against the track description: fix anything missing,
   wrong or outside the track's scope.
Commit each fix with a clear message. Do not push and do not switch branches.
"""

_COMMIT = _HEADER + """
Finish the track.
1. Update the documentation the track's changes affect (README, docs, changelog, comments),
   and the track's notes in the roadmap if the project keeps any there; leave its status
   marker alone, gitorch updates it when it lands.
2. Commit everything, with clear messages; leave the working tree clean.
Do not push and do not switch branches.
"""

DEFAULT_PHASES = (PhaseConfig("work", _WORK), PhaseConfig("review", _REVIEW),
                  PhaseConfig("commit", _COMMIT))

RESOLVE_PROMPT = _HEADER + """
Your branch is being rebased onto the main branch, and the rebase stopped on conflicts in:
{paths}

Commits on main that touched these paths:
{main_commits}

Resolve every conflict in those files: keep the intent of both sides, and remove every
conflict marker. Do not stage, commit or continue the rebase, and do not switch branches:
gitorch checks the files, stages them and continues the rebase itself.
"""

FIX_PROMPT = _HEADER + """
Your branch made the project's tests fail when landed on the main branch; it has been
rebased onto that main. The end of the failing test output:

{test_output}

Fix the cause on this branch, run the tests, and commit the fix with a clear message.
Do not push and do not switch branches.
"""

PR_FIX_PROMPT = _HEADER + """
This track's work is in pull request {pull_request}, and its checks failed there:

{test_output}

Fix the cause on this branch, run the tests, and commit the fix with a clear message.
gitorch pushes your commits to the pull request. Do not push and do not switch branches.
"""

ADDRESS_PROMPT = _HEADER + """
This track's work is in pull request {pull_request}, and a reviewer asked for changes:

{review}

Make the changes the review asks for on this branch, run the tests, and commit them with
clear messages. gitorch pushes your commits to the pull request and tells the reviewer.
Do not push and do not switch branches.
"""
