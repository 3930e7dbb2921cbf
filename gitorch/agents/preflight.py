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
}
LOGIN_CHECK_TIMEOUT = 10.0


def check_agents(config: Config, euid: int | None = None) -> None:
    """Raise, in one line that says what to do, if a phase's agent cannot run here."""
    seen: set[tuple[str, ...]] = set()
    for phase in config.phases:
        agent = agent_for(config, phase)
        argv = command_template(agent)
        if argv not in seen:
            seen.add(argv)
            _check(agent, argv, os.geteuid() if euid is None else euid)


def _check(agent: AgentConfig, argv: tuple[str, ...], euid: int) -> None:
    program = argv[0]
    preset = known_preset(agent)
    if "/" in program:
        found = Path(program).is_file() and os.access(program, os.X_OK)
    else:
        found = shutil.which(program) is not None
    if not found:
        how = f" ({INSTALL[preset]})" if preset else ""
        raise GitorchError(f"the agent {program} is not on PATH: install it{how}, or set "
                           "agent.command in gitorch.yaml (nothing started)")
    if (preset == "claude" and euid == 0 and "--dangerously-skip-permissions" in argv
            and not os.environ.get("IS_SANDBOX")):
        raise GitorchError("claude refuses --dangerously-skip-permissions as root: run "
                           "gitorch as a normal user, or set IS_SANDBOX=1 if this is a "
                           "container you trust (nothing started)")
    login = PRESETS[preset].login_check if preset else None
    if preset is None or login is None or logged_in_by_key(preset):
        return
    try:
        done = run([program, *login[1:]], check=False, timeout=LOGIN_CHECK_TIMEOUT)
    except GitorchError:
        return  # not cheap after all: the phase will say it if it is so
    if done.returncode != 0:
        said = (done.stdout.strip() or done.stderr.strip()).splitlines()
        raise GitorchError(f"{preset} is not logged in (`{' '.join(login)}`: "
                           f"{said[-1] if said else f'exit {done.returncode}'}): "
                           f"{PRESETS[preset].login} (nothing started)")
