"""The agent command for a phase: presets for known tools, placeholders filled in."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path

from gitorch.config.settings import AgentConfig, Config, PhaseConfig


@dataclass(frozen=True)
class Sessions:
    """How a CLI names, continues and reopens a conversation (DESIGN §15).

    In every argv, "{session}" is the session's id and the other placeholders are a
    phase's; the CLI's usual flags keep their place.
    """

    resume: tuple[str, ...]  # the unattended run that continues session {session}
    interactive: tuple[str, ...]  # the CLI on a person's terminal, in that session
    new: tuple[str, ...] = ()  # added to a fresh run: the id gitorch chose ("uuid" below)
    named_by: str = "stream"  # uuid: gitorch names it; stream: the CLI says; history: a file
    said_in: tuple[str, str] = ("", "")  # stream: the event type and the field with the id
    refused: str = "(?!)"  # what the CLI says when it cannot continue (default: nothing)


@dataclass(frozen=True)
class Preset:
    """A known agent CLI: how to run it unattended, and what it needs around it."""

    argv: tuple[str, ...]
    login: str  # how a person logs in, for the line that says it is not logged in
    key_variables: tuple[str, ...] = ()  # any of these set: logged in by key
    login_check: tuple[str, ...] | None = None  # cheap, exits non-zero when logged out
    commits: bool = True  # False: gitorch commits what the phase left (aider)
    own_files: tuple[str, ...] = ()  # the tool's state in the worktree, never committed
    resolve_args: tuple[str, ...] = ()  # added for a resolve phase (conflict markers)
    sessions: Sessions | None = None  # None: each run starts a new conversation
    # Its login, sessions and settings under ~; a sandbox keeps them writable, and makes
    # the folders (those ending in /) first, since it can open up only what exists.
    state: tuple[str, ...] = ()


# Each runs its tool once, unattended, on one prompt, with output a machine can read
# where the tool has it (FACTS.md of the transcripts). Sandboxes that confine writes to
# the worktree are off, because a commit in a linked worktree writes to the main
# repository's git dir, outside it. Claude and Gemini stream JSON events rather than
# print one document at the end, so a long phase is never silent long enough to look
# stuck to the idle watchdog.
PRESETS: dict[str, Preset] = {
    "claude": Preset(
        ("claude", "-p", "{prompt}", "--dangerously-skip-permissions",
         "--output-format", "stream-json", "--verbose"),
        "run `claude` once and log in with /login, or set ANTHROPIC_API_KEY",
        ("ANTHROPIC_API_KEY", "CLAUDE_CODE_OAUTH_TOKEN"),
        sessions=Sessions(
            ("claude", "-p", "{prompt}", "--resume", "{session}",
             "--dangerously-skip-permissions", "--output-format", "stream-json", "--verbose"),
            ("claude", "--resume", "{session}"), ("--session-id", "{session}"), "uuid",
            ("system", "session_id"), r"No conversation found with session ID"),
        state=("~/.claude/", "~/.claude.json")),
    "codex": Preset(
        ("codex", "exec", "--dangerously-bypass-approvals-and-sandbox", "--json", "{prompt}"),
        "run `codex login`, or set OPENAI_API_KEY",
        ("OPENAI_API_KEY", "CODEX_API_KEY"), ("codex", "login", "status"),
        # Options of exec go before its resume subcommand, which takes only an id and a
        # prompt. It keeps the thread's id; one it has no rollout of, it refuses.
        sessions=Sessions(
            ("codex", "exec", "--dangerously-bypass-approvals-and-sandbox", "--json", "resume",
             "{session}", "{prompt}"),
            ("codex", "resume", "{session}"), said_in=("thread.started", "thread_id"),
            refused=r"no (rollout|session|conversation) found|thread/resume failed"),
        state=("~/.codex/",)),
    # Aider's own commits would carry its trailers and messages; the analytics log is
    # written locally (nothing is sent) and is where its exact token counts are. Its chat
    # history lives beside the track's other state, not in the worktree; its tags cache
    # has no such option and is kept out of commits by an exclude. Its default edit
    # format splits blocks on a `=======` line, so it cannot remove a conflict marker:
    # resolve phases ask for whole files.
    "aider": Preset(
        ("aider", "--yes-always", "--no-check-update", "--no-auto-commits", "--no-gitignore",
         "--no-analytics", "--analytics-log", "{usage_file}", "--no-show-release-notes",
         "--no-detect-urls", "--no-pretty", "--chat-history-file", "{chat_history_file}",
         "--input-history-file", "{input_history_file}", "--message-file", "{prompt_file}"),
        "set the API key of your model's provider (e.g. OPENAI_API_KEY or "
        "ANTHROPIC_API_KEY) and its --model in .aider.conf.yml",
        commits=False,
        own_files=(".aider.chat.history.md", ".aider.input.history", ".aider.tags.cache.v4/"),
        resolve_args=("--edit-format", "whole"),
        # The session is the track's chat history file, which aider reads back in.
        sessions=Sessions(
            ("aider", "--yes-always", "--no-check-update", "--no-auto-commits",
             "--no-gitignore", "--no-analytics", "--analytics-log", "{usage_file}",
             "--no-show-release-notes", "--no-detect-urls", "--no-pretty",
             "--chat-history-file", "{chat_history_file}", "--input-history-file",
             "{input_history_file}", "--restore-chat-history", "--message-file",
             "{prompt_file}"),
            ("aider", "--no-auto-commits", "--chat-history-file", "{chat_history_file}",
             "--input-history-file", "{input_history_file}", "--restore-chat-history"),
            named_by="history"),
        state=("~/.aider/",)),
    # --skip-trust: a new worktree is an untrusted folder, where --yolo is overridden.
    "gemini": Preset(
        ("gemini", "--yolo", "--skip-trust", "-o", "stream-json", "-p", "{prompt}"),
        "run `gemini` once and choose a login, or set GEMINI_API_KEY",
        ("GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_GENAI_USE_VERTEXAI"),
        sessions=Sessions(
            ("gemini", "--yolo", "--skip-trust", "--resume", "{session}", "-o", "stream-json",
             "-p", "{prompt}"),
            ("gemini", "--resume", "{session}"), said_in=("init", "session_id"),
            refused=r"Invalid session identifier|No previous sessions found|"
                    r"Error resuming session"),
        state=("~/.gemini/",)),
    # --auto approves every permission not denied outright; without it a permission that
    # asks would wait for a person. With no provider configured opencode uses its own
    # free models, so there is no logged-out state to check.
    "opencode": Preset(
        ("opencode", "run", "--format", "json", "--auto", "--", "{prompt}"),
        "run `opencode auth login`, or set your provider's key (e.g. OPENAI_API_KEY or "
        "ANTHROPIC_API_KEY) and its model in opencode.json",
        state=("~/.config/opencode/", "~/.local/share/opencode/", "~/.local/state/opencode/",
               "~/.cache/opencode/")),
    # -p, though deprecated: with the prompt as a positional argument, qwen 0.15 printed
    # its result after a shell command and then never exited.
    "qwen": Preset(
        ("qwen", "--yolo", "-o", "stream-json", "-p", "{prompt}"),
        "run `qwen auth`, or set OPENAI_API_KEY (with OPENAI_BASE_URL and OPENAI_MODEL)",
        ("OPENAI_API_KEY",), state=("~/.qwen/",)),
    # --allow-all: tools, paths and URLs without asking; --no-ask-user: no questions.
    # Its JSON events carry no token counts; the usage file it writes at the end does.
    "copilot": Preset(
        ("copilot", "-p", "{prompt}", "--allow-all", "--no-ask-user", "--output-format",
         "json", "--no-auto-update", "--usage-output-file", "{usage_file}"),
        "run `copilot login`, or set COPILOT_GITHUB_TOKEN (or COPILOT_PROVIDER_BASE_URL "
        "and COPILOT_PROVIDER_API_KEY for a model provider of your own)",
        ("COPILOT_GITHUB_TOKEN", "GH_TOKEN", "GITHUB_TOKEN", "COPILOT_PROVIDER_BASE_URL"),
        state=("~/.copilot/",)),
}


@dataclass(frozen=True)
class AgentInvocation:
    """An agent's argv, and the text for its stdin when no argument carries the prompt."""

    argv: tuple[str, ...]
    stdin: str | None


def agent_for(config: Config, phase: PhaseConfig) -> AgentConfig:
    """The agent that runs phase: its own where it names one, else the top-level one."""
    own = phase.agent
    if own is None:
        return config.agent
    agent = config.agent
    if own.command is not None:
        agent = dataclasses.replace(agent, command=own.command)
    elif own.preset is not None:
        agent = dataclasses.replace(agent, preset=own.preset, command=None)
    if own.timeout is not None:
        agent = dataclasses.replace(agent, timeout=own.timeout)
    if own.idle_timeout is not None:
        agent = dataclasses.replace(agent, idle_timeout=own.idle_timeout)
    return agent


def command_template(agent: AgentConfig) -> tuple[str, ...]:
    """The configured argv, or the preset's when none is configured."""
    return agent.command if agent.command is not None else PRESETS[agent.preset].argv


def known_preset(agent: AgentConfig) -> str | None:
    """The preset whose CLI this agent runs: the preset, or a command naming that CLI."""
    if agent.command is None:
        return agent.preset
    program = Path(agent.command[0]).name
    return program if program in PRESETS else None


def agent_name(agent: AgentConfig) -> str:
    """A short name for the agent, as status and the scheduler speak of it."""
    return known_preset(agent) or Path(command_template(agent)[0]).name


def invocation(agent: AgentConfig, *, prompt: str, prompt_file: str, track: str,
               phase: str, usage_file: str, history_dir: str,
               template: tuple[str, ...] | None = None, session: str = ""
               ) -> AgentInvocation:
    """Fill the placeholders: each is a whole argument, never spliced into a string.

    history_dir: the track's folder for an agent's own history, outside its worktree;
    template: an argv in place of the agent's own (a session's); session: its id.
    """
    values = {"{prompt}": prompt, "{prompt_file}": prompt_file, "{track}": track,
              "{phase}": phase, "{usage_file}": usage_file, "{session}": session,
              "{chat_history_file}": os.path.join(history_dir, "chat.history.md"),
              "{input_history_file}": os.path.join(history_dir, "input.history")}
    template = template or command_template(agent)
    if agent.command is None and phase == "resolve":
        template = (*template, *PRESETS[agent.preset].resolve_args)
    argv = tuple(values.get(arg, arg) for arg in template)
    carries_prompt = "{prompt}" in template or "{prompt_file}" in template
    return AgentInvocation(argv, None if carries_prompt else prompt)


def logged_in_by_key(preset: str) -> bool:
    """Whether the environment holds a key the preset's CLI would use instead of a login."""
    return any(os.environ.get(name) for name in PRESETS[preset].key_variables)
