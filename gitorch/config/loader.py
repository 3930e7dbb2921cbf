"""gitorch.yaml, then the user's config file, then flags -> one typed, frozen Config."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import fields
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import platformdirs

from gitorch.config.durations import format_duration, parse_duration
from gitorch.config.settings import (
    DEFAULT_PHASES,
    LAND_MODES,
    OVERLAP_MODES,
    PR_LAYOUTS,
    PRESET_NAMES,
    PROMPT_FIELDS,
    REPO_CONFIG_NAME,
    AgentConfig,
    ClaimsConfig,
    Config,
    ConfigError,
    LandConfig,
    PhaseAgent,
    PhaseConfig,
    RunConfig,
    SchedulingConfig,
    WorktreeConfig,
)
from gitorch.config.yamlfile import Source, YamlFileError, read_yaml
from gitorch.roadmap.vocabulary import FORMATS, GROUP_WORDS, TRACK_WORDS, Vocabulary

_DEFAULTS: dict[str, Any] = {
    "roadmap": "ROADMAP.md", "main_branch": None, "remote": "origin", "max_parallel": 4,
    "worktrees_dir": None, "phases": DEFAULT_PHASES,
    "agent.preset": "claude", "agent.command": None, "agent.timeout": 2 * 3600.0,
    "agent.idle_timeout": 15 * 60.0, "agent.budget_usd": None,
    "agent.rate_limit_patterns": (), "agent.auth_patterns": (),
    "worktree.setup": None, "worktree.copy": (),
    "land.test_command": None, "land.test_timeout": 30 * 60.0, "land.push": True,
    "land.retries": 3, "land.repair": True, "land.repair_attempts": 2,
    "land.resolve_prompt": None, "land.fix_prompt": None, "land.mode": "push", "land.pr": "single",
    "claims.remote": False, "claims.heartbeat": 60.0, "claims.expire": 10 * 60.0,
    "run.every": 10 * 60.0, "run.for": 6 * 3600.0, "run.retries": 2,
    "scheduling.overlap": "prefer",
    "roadmap.format": "auto", "roadmap.group_words": GROUP_WORDS,
    "roadmap.track_words": TRACK_WORDS, "roadmap.done_words": (),
}
_Check = Callable[[object], object]
_NULLABLE = frozenset({"main_branch", "remote", "worktrees_dir", "agent.command",
                       "land.test_command", "agent.budget_usd", "worktree.setup",
                       "land.resolve_prompt", "land.fix_prompt"})


def user_config_path() -> Path:
    """The user's own config file, in the platform's config folder."""
    return platformdirs.user_config_path("gitorch") / "config.yaml"


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
            settings = {} if tree is None else _flatten(tree, _SCHEMA, "")
        except _Invalid as bad:
            raise ConfigError(source.message(bad.sub, bad.message)) from None
        merged.update(settings)
        where.update({key: (index, source.where(key)) for key in settings})
    _check_claims(merged, where)
    sections = {"agent": AgentConfig, "land": LandConfig, "claims": ClaimsConfig,
                "run": RunConfig, "scheduling": SchedulingConfig, "worktree": WorktreeConfig}
    words = Vocabulary(merged["roadmap.format"], merged["roadmap.group_words"],
                       merged["roadmap.track_words"], merged["roadmap.done_words"])
    return Config(**{
        top.name: _section(sections[top.name], top.name, merged)
        if top.name in sections else merged[top.name] for top in fields(Config)
        if top.name != "roadmap_words"
    }, roadmap_words=words)


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
#   preset: claude        # claude | codex | aider | gemini
#   command: null         # argv list instead of a preset, e.g. ["my-agent", "{prompt_file}"]
#   timeout: 2h           # per phase
# land:
#   test_command: null    # run before main moves, e.g. ["pytest", "-q"]
"""


class _Invalid(Exception):
    """A value a check refused: what was expected, and the key path below the checked one."""

    def __init__(self, message: str, sub: str = "") -> None:
        super().__init__(message)
        self.message, self.sub = message, sub

    def within(self, prefix: str) -> _Invalid:
        return _Invalid(self.message, prefix + self.sub)


def _read_file(path: Path, name: str) -> tuple[object, Source]:
    """A config file's settings as plain values, with the line of each key; None when absent."""
    try:
        return read_yaml(path, name)
    except YamlFileError as bad:
        raise ConfigError(str(bad)) from None


def _overrides_tree(overrides: Mapping[str, object]) -> dict[str, object]:
    """Dotted keys ("run.for") as the nested mapping a file would hold."""
    tree: dict[str, object] = {}
    for key, value in overrides.items():
        if value is None and key not in _NULLABLE:
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


def _hint(word: str, choices: tuple[str, ...]) -> str:
    """'did you mean X?' for a near miss, else the list of choices."""
    close = difflib.get_close_matches(word, choices, n=1)
    return f"did you mean {close[0]}?" if close else f"expected one of {', '.join(choices)}"


def _expect(test: Callable[[Any], bool], message: str) -> _Check:
    """A check that passes a value through when test holds, else says what was expected."""
    def check(value: object) -> object:
        if not test(value):
            raise _Invalid(message)
        return value

    return check


def _whole(minimum: int) -> _Check:
    return _expect(lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= minimum,
                   f"expected a whole number of at least {minimum}")


_text = _expect(lambda v: isinstance(v, str) and bool(v.strip()), "expected a non-empty string")
_flag = _expect(lambda v: isinstance(v, bool), "expected true or false")
# A phase name is part of a file name (the prompt file): keep it well inside NAME_MAX.
_phase_name = _expect(
    lambda v: isinstance(v, str) and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}", v) is not None,
    "expected a short name like work or review (letters, digits, - and _)")
# Names git refuses for a branch or remote (git check-ref-format), or that read as an option.
_BAD_REF = re.compile(r"^[-./]|[/.]$|^@$|\.\.|//|/\.|@\{|\.lock(?:/|$)|[\x00-\x20\x7f~^:?*\[\\]")


def _ref_name(what: str, example: str) -> _Check:
    def check(value: object) -> object:
        name = str(_text(value))
        if _BAD_REF.search(name):
            raise _Invalid(f"expected a {what} name like {example}, as git allows it")
        return name

    return check


def _roadmap(value: object) -> str:
    windows = PureWindowsPath(value) if isinstance(value, str) else None
    if (windows is None or windows.drive or windows.root or ".." in windows.parts
            or not windows.parts):
        raise _Invalid("expected a relative path inside the repository, like ROADMAP.md")
    if re.search(r"[\x00-\x1f\x7f]", str(value)):
        raise _Invalid("expected a file name without control characters, like ROADMAP.md")
    return PurePosixPath(*windows.parts).as_posix()


def _format(value: object) -> str:
    if value not in FORMATS:
        raise _Invalid(f"expected one of {', '.join(FORMATS)}")
    return str(value)


def _words(value: object) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or not value:
        raise _Invalid('expected a list of words, like ["Phase", "Milestone"]')
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item.strip() or len(item) > 40 or re.search(
                r"[\x00-\x1f\x7f]", item):
            raise _Invalid("expected a word of at most 40 characters", f"[{index}]")
    return tuple(value)


# `roadmap:` is a path, or a mapping of the path and how to read the plan.
_ROADMAP: dict[str, _Check] = {"path": _roadmap, "format": _format, "group_words": _words,
                               "track_words": _words, "done_words": _words}


def _duration(value: object) -> float:
    try:
        seconds = parse_duration(value)
    except ValueError:
        raise _Invalid("expected a duration like 90s, 10m or 2h") from None
    if seconds <= 0:
        raise _Invalid("expected a duration above zero, like 90s, 10m or 2h")
    return seconds


def _preset(value: object) -> str:
    if not isinstance(value, str):
        raise _Invalid(f"expected one of {', '.join(PRESET_NAMES)}")
    if value not in PRESET_NAMES:
        raise _Invalid(f"unknown preset {value!r} ({_hint(value, PRESET_NAMES)})")
    return value


def _overlap(value: object) -> str:
    if value is False:  # YAML reads a bare `off` as false
        return "off"
    if not isinstance(value, str):
        raise _Invalid(f"expected one of {', '.join(OVERLAP_MODES)}")
    if value not in OVERLAP_MODES:
        raise _Invalid(f"unknown overlap mode {value!r} ({_hint(value, OVERLAP_MODES)})")
    return value
def _one_of(choices: tuple[str, ...]) -> _Check:
    return _expect(lambda v: v in choices, f"expected one of {', '.join(choices)}")


def _argv(value: object) -> tuple[str, ...]:
    example = 'a list of arguments like ["pytest", "-q"]'
    if isinstance(value, str):
        raise _Invalid(f"expected {example}, not one string (nothing runs through a shell)")
    if not isinstance(value, (list, tuple)):
        raise _Invalid(f"expected {example}")
    if not value:
        raise _Invalid("expected at least one argument: the program to run")
    for index, item in enumerate(value):
        if not isinstance(item, str):
            raise _Invalid("expected a string; put it in quotes", f"[{index}]")
    if not value[0].strip():
        raise _Invalid("expected the program to run, not an empty string", "[0]")
    return tuple(value)


def _money(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise _Invalid("expected an amount in US dollars above zero, like 5 or 2.50")
    return float(value)


def _strings(what: str, test: Callable[[str], str | None]) -> _Check:
    """A list of strings, each of which test accepts (it returns what is wrong, or None)."""
    def check(value: object) -> tuple[str, ...]:
        if not isinstance(value, (list, tuple)):
            raise _Invalid(f"expected a list of {what}")
        for index, item in enumerate(value):
            wrong = test(item) if isinstance(item, str) and item else f"expected one of {what}"
            if wrong:
                raise _Invalid(wrong, f"[{index}]")
        return tuple(value)

    return check


def _regex_problem(text: str) -> str | None:
    try:
        re.compile(text)
    except re.error as bad:
        return f"expected a regular expression: {bad}"
    return None


def _glob_problem(text: str) -> str | None:
    parts = PurePosixPath(text).parts
    if text.startswith("/") or ".." in parts:
        return "expected a glob inside the repository, like .env or config/*.local"
    return None


def _template(value: object) -> str:
    """A prompt; other text in braces is kept as written, but a near-miss field is a typo."""
    text = str(_text(value))
    for name in re.findall(r"\{([A-Za-z_]+)\}", text):
        close = difflib.get_close_matches(name, PROMPT_FIELDS, n=1)
        if name not in PROMPT_FIELDS and close:
            raise _Invalid(f"unknown field {{{name}}} (did you mean {{{close[0]}}}?)")
    return text


_PHASE_AGENT: dict[str, _Check] = {"preset": _preset, "command": _argv,
                                   "timeout": _duration, "idle_timeout": _duration}
_BUILT_IN_PROMPTS = {phase.name: phase.prompt for phase in DEFAULT_PHASES}


def _phases(value: object) -> tuple[PhaseConfig, ...]:
    if not isinstance(value, (list, tuple)) or not value:
        raise _Invalid("expected a non-empty list of phases, each with name and prompt")
    phases: list[PhaseConfig] = []
    first: dict[str, int] = {}
    for index, item in enumerate(value):
        at = f"[{index}]"
        if isinstance(item, PhaseConfig):
            phases.append(item)
            continue
        checked = _flatten(item, {"name": _phase_name, "prompt": _template,
                                  "agent": _PHASE_AGENT}, at)
        name = checked.get(f"{at}.name")
        if name is None:
            raise _Invalid("missing name (each phase needs name and prompt)", at)
        # work, review and commit may leave their prompt out: the built-in one is meant.
        prompt = checked.get(f"{at}.prompt", _BUILT_IN_PROMPTS.get(name))
        if prompt is None:
            raise _Invalid("missing prompt (each phase needs name and prompt; only work, "
                           "review and commit have built-in ones)", at)
        if name in first:
            raise _Invalid(f"duplicate phase name {name!r} (first at phases[{first[name]}])",
                           f"{at}.name")
        first[name] = index
        agent = {key.rpartition(".")[2]: v for key, v in checked.items()
                 if key.startswith(f"{at}.agent.")}
        phases.append(PhaseConfig(name, prompt, PhaseAgent(**agent) if agent else None))
    return tuple(phases)


_SCHEMA: dict[str, _Check | dict[str, _Check]] = {
    "roadmap": _roadmap, "main_branch": _ref_name("branch", "main"),
    "remote": _ref_name("remote", "origin"), "max_parallel": _whole(1),
    "worktrees_dir": _text,
    "agent": {"preset": _preset, "command": _argv, "timeout": _duration,
              "idle_timeout": _duration, "budget_usd": _money,
              "rate_limit_patterns": _strings("regular expressions", _regex_problem),
              "auth_patterns": _strings("regular expressions", _regex_problem)},
    "phases": _phases,
    "land": {"test_command": _argv, "test_timeout": _duration, "push": _flag,
             "retries": _whole(0), "repair": _flag, "repair_attempts": _whole(0),
             "resolve_prompt": _template, "fix_prompt": _template,
             "mode": _one_of(LAND_MODES), "pr": _one_of(PR_LAYOUTS)},
    "claims": {"remote": _flag, "heartbeat": _duration, "expire": _duration},
    "run": {"every": _duration, "for": _duration, "retries": _whole(0)},
    "scheduling": {"overlap": _overlap},
    "worktree": {"setup": _argv, "copy": _strings("globs like .env", _glob_problem)},
}


def _flatten(value: object, schema: Mapping[str, _Check | Mapping[str, _Check]],
             path: str) -> dict[str, Any]:
    """A mapping's checked values under dotted keys below path; the first problem raises."""
    if not isinstance(value, Mapping):
        what = f"a mapping with keys {', '.join(schema)}" if path else (
            "key: value settings at the top level, like max_parallel: 4")
        raise _Invalid(f"expected {what}", path)
    settings: dict[str, Any] = {}
    for key, item in value.items():
        sub = f"{path}.{key}" if path else str(key)
        if sub == "roadmap" and isinstance(item, Mapping):
            found = _flatten(item, _ROADMAP, sub)
            if "roadmap.path" in found:
                found["roadmap"] = found.pop("roadmap.path")
            settings.update(found)
            continue
        check = schema.get(str(key))
        if check is None:
            raise _Invalid(f"unknown key ({_hint(str(key), tuple(schema))})", sub)
        if isinstance(check, Mapping):
            if item is not None:  # a section whose keys are all commented out
                settings.update(_flatten(item, check, sub))
        elif item is None and sub in _NULLABLE:
            settings[sub] = None
        else:
            try:
                settings[sub] = check(item)
            except _Invalid as bad:
                raise bad.within(sub) from None
    return settings


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
