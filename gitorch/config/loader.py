"""gitorch.yaml, then the user's config file, then flags -> one typed, frozen Config."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any

from gitorch.config.checks import (
    NULLABLE,
    Check,
    Invalid,
    allow_problem,
    argv,
    duration,
    flag,
    flatten,
    glob_problem,
    money,
    one_of,
    overlap,
    path_problem,
    phase_list,
    plain_text,
    preset,
    ref_name,
    regex_problem,
    roadmap_setting,
    sandbox_mode,
    size,
    strings,
    template,
    whole,
)
from gitorch.config.durations import format_duration
from gitorch.config.settings import (
    DEFAULT_PHASES,
    LAND_MODES,
    PR_LAYOUTS,
    PROTECTED,
    REPO_CONFIG_NAME,
    AgentConfig,
    ClaimsConfig,
    Config,
    ConfigError,
    LandConfig,
    LogsConfig,
    RunConfig,
    SandboxConfig,
    SchedulingConfig,
    WorktreeConfig,
)
from gitorch.config.sinks import sink_list
from gitorch.config.source import Source, YamlFileError
from gitorch.config.yamlcache import read_yaml
from gitorch.roadmap.vocabulary import GROUP_WORDS, TRACK_WORDS, Vocabulary

_DEFAULTS: dict[str, Any] = {
    "roadmap": "ROADMAP.md", "main_branch": None, "remote": "origin", "remote_timeout": 30.0,
    "max_parallel": 4,
    "worktrees_dir": None, "phases": DEFAULT_PHASES,
    "agent.preset": "claude", "agent.command": None, "agent.timeout": 2 * 3600.0,
    "agent.idle_timeout": 15 * 60.0, "agent.budget_usd": None,
    "agent.resume": True,
    "agent.rate_limit_patterns": (), "agent.auth_patterns": (),
    "worktree.setup": None, "worktree.copy": (),
    "land.test_command": None, "land.test_timeout": 30 * 60.0, "land.push": True,
    "land.retries": 3, "land.repair": True, "land.repair_attempts": 2,
    "land.resolve_prompt": None, "land.fix_prompt": None, "land.mode": "push", "land.pr": "single",
    "land.protected": PROTECTED,
    "land.warn_file_size": 10 * 1024**2, "land.max_file_size": 50 * 1024**2,
    "land.approve": False,
    "logs.max_size": 10 * 1024**2,
    "claims.remote": False, "claims.heartbeat": 60.0, "claims.expire": 10 * 60.0,
    "run.every": 10 * 60.0, "run.for": 6 * 3600.0, "run.retries": 2,
    "scheduling.overlap": "prefer",
    "sandbox.mode": "auto", "sandbox.writable": (), "sandbox.allow": (), "sandbox.network": True,
    "roadmap.format": "auto", "roadmap.group_words": GROUP_WORDS,
    "roadmap.track_words": TRACK_WORDS, "roadmap.done_words": (), "notify": (),
}


def user_config_path() -> Path:
    """The user's own config file, in the platform's config folder."""
    return _user_folder("XDG_CONFIG_HOME", "~/.config") / "config.yaml"


def parsed_config_cache() -> Path:
    """Where config files are kept parsed: the user's cache folder.

    Not the repository's state folder: a command that refuses leaves that as it was.
    """
    return _user_folder("XDG_CACHE_HOME", "~/.cache") / "config"


def _user_folder(variable: str, fallback: str) -> Path:
    """gitorch's folder of the user's config (or cache) kind, as platformdirs names it.

    On Linux that is the XDG variable's folder if it is absolute, else fallback, read here:
    importing platformdirs (with tempfile) costs ~15 ms of every command, a third of
    `status --json`'s imports beyond Python's own. Other systems ask platformdirs.
    """
    if sys.platform == "linux" and "ANDROID_DATA" not in os.environ:
        base = os.environ.get(variable, "")
        return Path(base if os.path.isabs(base) else os.path.expanduser(fallback)) / "gitorch"
    import platformdirs

    found = (platformdirs.user_config_path if variable == "XDG_CONFIG_HOME"
             else platformdirs.user_cache_path)
    return found("gitorch")


def load_config(repo_root: Path, overrides: Mapping[str, object] | None = None) -> Config:
    """Merge gitorch.yaml, the user's file and overrides (dotted keys) into one Config.

    An override whose value is None is a flag not given, unless its key may be null
    (main_branch, remote, worktrees_dir, agent.command, land.test_command, the prompts).
    """
    user_file = user_config_path()
    layers = [
        _read_file(repo_root / REPO_CONFIG_NAME, REPO_CONFIG_NAME),
        _read_file(user_file, str(user_file)),
        (_overrides_tree(overrides or {}), Source("command line")),
    ]
    merged = dict(_DEFAULTS)
    where: dict[str, tuple[int, str]] = {}
    for index, (tree, source) in enumerate(layers):
        try:
            settings = {} if tree is None else flatten(tree, _SCHEMA, "")
        except Invalid as bad:
            raise ConfigError(source.message(bad.sub, bad.message)) from None
        merged.update(settings)
        where.update({key: (index, source.where(key)) for key in settings})
    _check_claims(merged, where)
    sections = {"agent": AgentConfig, "land": LandConfig, "claims": ClaimsConfig,
                "run": RunConfig, "scheduling": SchedulingConfig, "worktree": WorktreeConfig,
                "sandbox": SandboxConfig, "logs": LogsConfig}
    words = Vocabulary(merged["roadmap.format"], merged["roadmap.group_words"],
                       merged["roadmap.track_words"], merged["roadmap.done_words"])
    return Config(**{
        top.name: _section(sections[top.name], top.name, merged)
        if top.name in sections else merged[top.name] for top in fields(Config)
        if top.name not in ("roadmap_words", "roadmap_given")
    }, roadmap_words=words, roadmap_given="roadmap" in where)


def default_config_text() -> str:
    """What `gitorch init` writes as gitorch.yaml: every line a comment, so all defaults."""
    return """\
# gitorch settings for this repository, shared with everyone who clones it.
# Every key is optional; the commented lines show the defaults. All keys are described
# in config.example.yaml in gitorch's source. Your own settings, which win over these,
# go in config.yaml in your gitorch config folder (~/.config/gitorch/ on Linux).

# roadmap: ROADMAP.md
# max_parallel: 4
# agent:
#   preset: claude        # claude | codex | aider | gemini | opencode | qwen | copilot
#   command: null         # argv list instead of a preset, e.g. ["my-agent", "{prompt_file}"]
#   timeout: 2h           # per phase
# land:
#   test_command: null    # run before main moves, e.g. ["pytest", "-q"]
"""


def _read_file(path: Path, name: str) -> tuple[object, Source]:
    """A config file's settings as plain values, with the line of each key; None when absent."""
    try:
        return read_yaml(path, name, parsed_config_cache())
    except YamlFileError as bad:
        raise ConfigError(str(bad)) from None


def _overrides_tree(overrides: Mapping[str, object]) -> dict[str, object]:
    """Dotted keys ("run.for") as the nested mapping a file would hold."""
    tree: dict[str, object] = {}
    for key, value in overrides.items():
        if value is None and key not in NULLABLE:
            continue
        section, dot, rest = key.partition(".")
        if dot:
            key, value = section, {rest: value}
        current = tree.get(key)
        if isinstance(current, dict) and isinstance(value, Mapping):
            current.update(value)
        else:
            tree[key] = dict(value) if isinstance(value, Mapping) else value
    return tree


_SCHEMA: dict[str, Check | dict[str, Check]] = {
    "roadmap": roadmap_setting, "main_branch": ref_name("branch", "main"),
    "remote": ref_name("remote", "origin"), "remote_timeout": duration,
    "max_parallel": whole(1),
    "worktrees_dir": plain_text,
    "agent": {"preset": preset, "command": argv, "timeout": duration,
              "idle_timeout": duration, "budget_usd": money, "resume": flag,
              "rate_limit_patterns": strings("regular expressions", regex_problem),
              "auth_patterns": strings("regular expressions", regex_problem)},
    "phases": phase_list,
    "land": {"test_command": argv, "test_timeout": duration, "push": flag,
             "retries": whole(0), "repair": flag, "repair_attempts": whole(0),
             "resolve_prompt": template, "fix_prompt": template,
             "mode": one_of(LAND_MODES), "pr": one_of(PR_LAYOUTS),
             "protected": strings("paths like .github/workflows/", glob_problem),
             "warn_file_size": size, "max_file_size": size, "approve": flag},
    "claims": {"remote": flag, "heartbeat": duration, "expire": duration},
    "run": {"every": duration, "for": duration, "retries": whole(0)},
    "scheduling": {"overlap": overlap},
    "worktree": {"setup": argv, "copy": strings("globs like .env", glob_problem)},
    "sandbox": {"mode": sandbox_mode, "writable": strings("paths like ~/.cache/pip", path_problem),
                "allow": strings("paths like ~/.ssh or variable names", allow_problem),
                "network": flag},
    "notify": sink_list,
    "logs": {"max_size": size},
}


def _check_claims(merged: Mapping[str, Any], where: Mapping[str, tuple[int, str]]) -> None:
    """A heartbeat as long as the expiry would make every live claim look stale."""
    heartbeat, expire = merged["claims.heartbeat"], merged["claims.expire"]
    if heartbeat < expire:
        return
    key = max(("claims.heartbeat", "claims.expire"), key=lambda k: where.get(k, (-1, ""))[0])
    message = (f"expected a duration longer than claims.heartbeat ({format_duration(heartbeat)})"
               if key == "claims.expire" else
               f"expected a duration shorter than claims.expire ({format_duration(expire)})")
    raise ConfigError(f"{where[key][1]}: {key}: {message}")


def _section(cls: Any, prefix: str, merged: Mapping[str, Any]) -> Any:
    """One section's dataclass from the merged settings (for_ is the YAML key "for")."""
    return cls(*(merged[f"{prefix}.{each.name.rstrip('_')}"] for each in fields(cls)))
