"""Before a runner is launched: can each phase's agent run here at all?"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from gitorch.agents.presets import (
    PRESETS,
    agent_for,
    command_template,
    known_preset,
    logged_in_by_key,
)
from gitorch.config.settings import AgentConfig, Config
from gitorch.errors import GitorchError
from gitorch.process import run

INSTALL = {
    "claude": "npm install -g @anthropic-ai/claude-code",
    "codex": "npm install -g @openai/codex",
    "aider": "python -m pip install aider-install && aider-install",
    "gemini": "npm install -g @google/gemini-cli",
    "opencode": "npm install -g opencode-ai",
    "qwen": "npm install -g @qwen-code/qwen-code",
    "copilot": "npm install -g @github/copilot",
}
LOGIN_CHECK_TIMEOUT = 10.0


Problem = tuple[str, str]  # what is wrong, and what to do about it


def check_agents(config: Config, main_worktree: Path, euid: int | None = None) -> None:
    """Raise, in one line that says what to do, if a phase's agent cannot run here."""
    problems = agent_problems(config, main_worktree, euid)
    if problems:
        what, fix = problems[0]
        raise GitorchError(f"{what}: {fix} (nothing started)")


def agent_problems(config: Config, main_worktree: Path, euid: int | None = None
                   ) -> list[Problem]:
    """Why the phases' agents cannot run here, one problem per distinct command."""
    seen: set[tuple[str, ...]] = set()
    problems = []
    for phase in config.phases:
        agent = agent_for(config, phase)
        argv = command_template(agent)
        if argv not in seen:
            seen.add(argv)
            found = _problem(agent, argv, main_worktree, config.worktree.setup is not None,
                             os.geteuid() if euid is None else euid)
            if found is not None:
                problems.append(found)
    return problems


def _problem(agent: AgentConfig, argv: tuple[str, ...], main_worktree: Path, set_up: bool,
             euid: int) -> Problem | None:
    program = argv[0]
    preset = known_preset(agent)
    if "/" in program and not Path(program).is_absolute():
        relative = _relative_problem(program, main_worktree, set_up)
        if relative is not None:
            return relative
    elif not _runnable(program):
        how = f" ({INSTALL[preset]})" if preset else ""
        return (f"the agent {program} is not on PATH",
                f"install it{how}, or set agent.command in gitorch.yaml")
    if (preset == "claude" and euid == 0 and "--dangerously-skip-permissions" in argv
            and not os.environ.get("IS_SANDBOX")):
        return ("claude refuses --dangerously-skip-permissions as root",
                "run gitorch as a normal user, or set IS_SANDBOX=1 if this is a container "
                "you trust")
    login = PRESETS[preset].login_check if preset else None
    if preset is None or login is None or logged_in_by_key(preset):
        return None
    try:
        done = run([program, *login[1:]], main_worktree, check=False,
                   timeout=LOGIN_CHECK_TIMEOUT)
    except GitorchError:
        return None  # not cheap after all: the phase will say it if it is so
    if done.returncode == 0:
        return None
    said = (done.stdout.strip() or done.stderr.strip()).splitlines()
    return (f"{preset} is not logged in (`{' '.join(login)}`: "
            f"{said[-1] if said else f'exit {done.returncode}'})", PRESETS[preset].login)


def _runnable(program: str) -> bool:
    """An absolute path to an executable file, or a name found on PATH."""
    if "/" in program:
        return Path(program).is_file() and os.access(program, os.X_OK)
    return shutil.which(program) is not None


def _relative_problem(program: str, main_worktree: Path, set_up: bool) -> Problem | None:
    """A relative path runs from the track's worktree, which holds main's files."""
    if Path(os.path.normpath(program)).parts[0] == "..":
        return (f"the agent {program} is relative to the track's worktree, where it runs, "
                "and leads out of it", "write its absolute path in agent.command (from the "
                f"repository root: {(main_worktree / program).resolve()})")
    if _runnable(str(main_worktree / program)) or set_up:  # setup may make it
        return None
    return (f"the agent {program} is not an executable file in {main_worktree}",
            "commit it there (each track's worktree runs its own copy), or fix agent.command "
            "in gitorch.yaml")
