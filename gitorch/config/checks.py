"""The checks each config value passes: types, ranges, names, durations, phases.

Each check takes the value as read and returns it typed, or raises Invalid saying what was
expected (and below which key), which the loader turns into `file:line: key: ...`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from gitorch.config.durations import parse_duration
from gitorch.config.settings import (
    DEFAULT_PHASES,
    OVERLAP_MODES,
    PRESET_NAMES,
    PROMPT_FIELDS,
    SANDBOX_MODES,
    PhaseAgent,
    PhaseConfig,
)
from gitorch.config.sizes import parse_size
from gitorch.roadmap.vocabulary import FORMATS

Check = Callable[[object], object]
# Keys whose value may be null (off); for the others null means: not given.
NULLABLE = frozenset({"main_branch", "remote", "worktrees_dir", "agent.command",
                       "land.test_command", "agent.budget_usd", "worktree.setup",
                       "land.resolve_prompt", "land.fix_prompt", "land.max_file_size",
                       "land.warn_file_size", "logs.max_size"})


class Invalid(Exception):
    """A value a check refused: what was expected, and the key path below the checked one."""

    def __init__(self, message: str, sub: str = "") -> None:
        super().__init__(message)
        self.message, self.sub = message, sub

    def within(self, prefix: str) -> Invalid:
        return Invalid(self.message, prefix + self.sub)


def hint(word: str, choices: tuple[str, ...]) -> str:
    """'did you mean X?' for a near miss, else the list of choices."""
    close = near_miss(word, choices)
    return f"did you mean {close}?" if close else f"expected one of {', '.join(choices)}"


def near_miss(word: str, choices: tuple[str, ...]) -> str | None:
    """The choice word is most likely a typo of, if any."""
    import difflib  # only for a word that is not a choice: most configs never need it

    close = difflib.get_close_matches(word, choices, n=1)
    return close[0] if close else None


def expect(test: Callable[[Any], bool], message: str) -> Check:
    """A check that passes a value through when test holds, else says what was expected."""
    def check(value: object) -> object:
        if not test(value):
            raise Invalid(message)
        return value

    return check


def whole(minimum: int) -> Check:
    return expect(lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= minimum,
                   f"expected a whole number of at least {minimum}")


plain_text = expect(lambda v: isinstance(v, str) and bool(v.strip()), "expected a non-empty string")


flag = expect(lambda v: isinstance(v, bool), "expected true or false")


phase_name = expect(
    lambda v: isinstance(v, str) and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}", v) is not None,
    "expected a short name like work or review (letters, digits, - and _)")


BAD_REF = re.compile(r"^[-./]|[/.]$|^@$|\.\.|//|/\.|@\{|\.lock(?:/|$)|[\x00-\x20\x7f~^:?*\[\\]")


def ref_name(what: str, example: str) -> Check:
    def check(value: object) -> object:
        name = str(plain_text(value))
        if BAD_REF.search(name):
            raise Invalid(f"expected a {what} name like {example}, as git allows it")
        return name

    return check


def roadmap_setting(value: object) -> str:
    windows = PureWindowsPath(value) if isinstance(value, str) else None
    if (windows is None or windows.drive or windows.root or ".." in windows.parts
            or not windows.parts):
        raise Invalid("expected a relative path inside the repository, like ROADMAP.md")
    if re.search(r"[\x00-\x1f\x7f]", str(value)):
        raise Invalid("expected a file name without control characters, like ROADMAP.md")
    return PurePosixPath(*windows.parts).as_posix()


def roadmap_format(value: object) -> str:
    if value not in FORMATS:
        raise Invalid(f"expected one of {', '.join(FORMATS)}")
    return str(value)


def words(value: object) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or not value:
        raise Invalid('expected a list of words, like ["Phase", "Milestone"]')
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item.strip() or len(item) > 40 or re.search(
                r"[\x00-\x1f\x7f]", item):
            raise Invalid("expected a word of at most 40 characters", f"[{index}]")
    return tuple(value)


_ROADMAP: dict[str, Check] = {"path": roadmap_setting, "format": roadmap_format,
                               "group_words": words, "track_words": words,
                               "done_words": words}


def duration(value: object) -> float:
    try:
        seconds = parse_duration(value)
    except ValueError:
        raise Invalid("expected a duration like 90s, 10m or 2h") from None
    if seconds <= 0:
        raise Invalid("expected a duration above zero, like 90s, 10m or 2h")
    return seconds


def size(value: object) -> int:
    try:
        found = parse_size(value)
    except ValueError:
        raise Invalid("expected a size like 512KB, 10MB or 1GB (or a number of bytes)"
                      ) from None
    if found <= 0:
        raise Invalid("expected a size above zero, like 512KB or 10MB (null: no limit)")
    return found


def preset(value: object) -> str:
    if not isinstance(value, str):
        raise Invalid(f"expected one of {', '.join(PRESET_NAMES)}")
    if value not in PRESET_NAMES:
        raise Invalid(f"unknown preset {value!r} ({hint(value, PRESET_NAMES)})")
    return value


def overlap(value: object) -> str:
    if value is False:  # YAML reads a bare `off` as false
        return "off"
    if not isinstance(value, str):
        raise Invalid(f"expected one of {', '.join(OVERLAP_MODES)}")
    if value not in OVERLAP_MODES:
        raise Invalid(f"unknown overlap mode {value!r} ({hint(value, OVERLAP_MODES)})")
    return value


def sandbox_mode(value: object) -> str:
    if value is False:  # YAML reads a bare `off` as false
        return "off"
    if not isinstance(value, str) or value not in SANDBOX_MODES:
        raise Invalid(f"expected one of {', '.join(SANDBOX_MODES)}, or a mapping with keys "
                      "mode, writable, allow, network")
    return value


def path_problem(text: str) -> str | None:
    if not text.startswith(("/", "~/")):
        return "expected an absolute path or one under ~/, like ~/.cache/pip"
    return None


def allow_problem(text: str) -> str | None:
    if (path_problem(text) and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", text)
            and text != "credential.helper"):
        return "expected a path like ~/.ssh, a variable name like GH_TOKEN, or credential.helper"
    return None


def one_of(choices: tuple[str, ...]) -> Check:
    return expect(lambda v: v in choices, f"expected one of {', '.join(choices)}")


def argv(value: object) -> tuple[str, ...]:
    example = 'a list of arguments like ["pytest", "-q"]'
    if isinstance(value, str):
        raise Invalid(f"expected {example}, not one string (nothing runs through a shell)")
    if not isinstance(value, (list, tuple)):
        raise Invalid(f"expected {example}")
    if not value:
        raise Invalid("expected at least one argument: the program to run")
    for index, item in enumerate(value):
        if not isinstance(item, str):
            raise Invalid("expected a string; put it in quotes", f"[{index}]")
    if not value[0].strip():
        raise Invalid("expected the program to run, not an empty string", "[0]")
    return tuple(value)


def money(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise Invalid("expected an amount in US dollars above zero, like 5 or 2.50")
    return float(value)


def strings(what: str, test: Callable[[str], str | None]) -> Check:
    """A list of strings, each of which test accepts (it returns what is wrong, or None)."""
    def check(value: object) -> tuple[str, ...]:
        if not isinstance(value, (list, tuple)):
            raise Invalid(f"expected a list of {what}")
        for index, item in enumerate(value):
            wrong = test(item) if isinstance(item, str) and item else f"expected one of {what}"
            if wrong:
                raise Invalid(wrong, f"[{index}]")
        return tuple(value)

    return check


def regex_problem(text: str) -> str | None:
    try:
        re.compile(text)
    except re.error as bad:
        return f"expected a regular expression: {bad}"
    return None


def glob_problem(text: str) -> str | None:
    parts = PurePosixPath(text).parts
    if text.startswith("/") or ".." in parts:
        return "expected a glob inside the repository, like .env or config/*.local"
    return None


def template(value: object) -> str:
    """A prompt; other text in braces is kept as written, but a near-miss field is a typo."""
    text = str(plain_text(value))
    for name in re.findall(r"\{([A-Za-z_]+)\}", text):
        close = None if name in PROMPT_FIELDS else near_miss(name, PROMPT_FIELDS)
        if close:
            raise Invalid(f"unknown field {{{name}}} (did you mean {{{close}}}?)")
    return text


_PHASE_AGENT: dict[str, Check] = {"preset": preset, "command": argv,
                                   "timeout": duration, "idle_timeout": duration}


BUILT_IN_PROMPTS = {phase.name: phase.prompt for phase in DEFAULT_PHASES}


def phase_list(value: object) -> tuple[PhaseConfig, ...]:
    if not isinstance(value, (list, tuple)) or not value:
        raise Invalid("expected a non-empty list of phases, each with name and prompt")
    phases: list[PhaseConfig] = []
    first: dict[str, int] = {}
    for index, item in enumerate(value):
        at = f"[{index}]"
        if isinstance(item, PhaseConfig):
            phases.append(item)
            continue
        checked = flatten(item, {"name": phase_name, "prompt": template,
                                  "agent": _PHASE_AGENT}, at)
        name = checked.get(f"{at}.name")
        if name is None:
            raise Invalid("missing name (each phase needs name and prompt)", at)
        # work, review and commit may leave their prompt out: the built-in one is meant.
        prompt = checked.get(f"{at}.prompt", BUILT_IN_PROMPTS.get(name))
        if prompt is None:
            raise Invalid("missing prompt (each phase needs name and prompt; only work, "
                           "review and commit have built-in ones)", at)
        if name in first:
            raise Invalid(f"duplicate phase name {name!r} (first at phases[{first[name]}])",
                           f"{at}.name")
        first[name] = index
        agent = {key.rpartition(".")[2]: v for key, v in checked.items()
                 if key.startswith(f"{at}.agent.")}
        phases.append(PhaseConfig(name, prompt, PhaseAgent(**agent) if agent else None))
    return tuple(phases)


def flatten(value: object, schema: Mapping[str, Check | Mapping[str, Check]],
             path: str) -> dict[str, Any]:
    """A mapping's checked values under dotted keys below path; the first problem raises."""
    if not isinstance(value, Mapping):
        what = f"a mapping with keys {', '.join(schema)}" if path else (
            "key: value settings at the top level, like max_parallel: 4")
        raise Invalid(f"expected {what}", path)
    settings: dict[str, Any] = {}
    for key, item in value.items():
        sub = f"{path}.{key}" if path else str(key)
        if sub == "sandbox" and not isinstance(item, Mapping):
            try:
                settings["sandbox.mode"] = sandbox_mode(item)
            except Invalid as bad:
                raise bad.within(sub) from None
            continue
        if sub == "roadmap" and isinstance(item, Mapping):
            found = flatten(item, _ROADMAP, sub)
            if "roadmap.path" in found:
                found["roadmap"] = found.pop("roadmap.path")
            settings.update(found)
            continue
        check = schema.get(str(key))
        if check is None:
            raise Invalid(f"unknown key ({hint(str(key), tuple(schema))})", sub)
        if isinstance(check, Mapping):
            if item is not None:  # a section whose keys are all commented out
                settings.update(flatten(item, check, sub))
        elif item is None and sub in NULLABLE:
            settings[sub] = None
        else:
            try:
                settings[sub] = check(item)
            except Invalid as bad:
                raise bad.within(sub) from None
    return settings
