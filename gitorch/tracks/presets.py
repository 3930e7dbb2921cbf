"""The agent command for a phase: presets for known tools, placeholders filled in."""

from __future__ import annotations

from dataclasses import dataclass

from gitorch.config.settings import AgentConfig

# Each runs its tool once, unattended, on one prompt. Sandboxes that confine writes to the
# worktree are switched off because a commit in a linked worktree writes to the main
# repository's git dir, outside it.
PRESETS: dict[str, tuple[str, ...]] = {
    "claude": ("claude", "-p", "{prompt}", "--dangerously-skip-permissions"),
    "codex": ("codex", "exec", "--dangerously-bypass-approvals-and-sandbox", "{prompt}"),
    "aider": ("aider", "--yes-always", "--no-check-update", "--message-file", "{prompt_file}"),
    "gemini": ("gemini", "--yolo", "-p", "{prompt}"),
}


@dataclass(frozen=True)
class AgentInvocation:
    """An agent's argv, and the text for its stdin when no argument carries the prompt."""

    argv: tuple[str, ...]
    stdin: str | None


def command_template(agent: AgentConfig) -> tuple[str, ...]:
    """The configured argv, or the preset's when none is configured."""
    return agent.command if agent.command is not None else PRESETS[agent.preset]


def invocation(agent: AgentConfig, *, prompt: str, prompt_file: str, track: str,
               phase: str) -> AgentInvocation:
    """Fill the placeholders: each is a whole argument, never spliced into a string."""
    values = {"{prompt}": prompt, "{prompt_file}": prompt_file, "{track}": track,
              "{phase}": phase}
    template = command_template(agent)
    argv = tuple(values.get(arg, arg) for arg in template)
    carries_prompt = "{prompt}" in template or "{prompt_file}" in template
    return AgentInvocation(argv, None if carries_prompt else prompt)
