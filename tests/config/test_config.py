"""Config: gitorch.yaml, the user's file and flags merge into one Config; errors name file:line."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gitorch.agents.presets import PRESETS
from gitorch.agents.prompts import FIELD, render
from gitorch.config.durations import format_duration, parse_duration
from gitorch.config.loader import default_config_text, load_config, user_config_path
from gitorch.config.settings import (
    DEFAULT_PHASES,
    PRESET_NAMES,
    PROMPT_FIELDS,
    REPO_CONFIG_NAME,
    AgentConfig,
    ClaimsConfig,
    Config,
    ConfigError,
    LandConfig,
    PhaseConfig,
    RunConfig,
)
from gitorch.config.sizes import format_size, parse_size

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.yaml"

DEFAULTS = Config(
    roadmap="ROADMAP.md",
    main_branch=None,
    remote="origin",
    max_parallel=4,
    worktrees_dir=None,
    agent=AgentConfig(preset="claude", command=None, timeout=7200.0),
    phases=DEFAULT_PHASES,
    land=LandConfig(test_command=None, test_timeout=1800.0, push=True, retries=3, repair=True,
                    repair_attempts=2, resolve_prompt=None, fix_prompt=None),
    claims=ClaimsConfig(remote=False, heartbeat=60.0, expire=600.0),
    run=RunConfig(every=600.0, for_=21600.0, retries=2),
)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """An empty folder standing in for the repository root."""
    folder = tmp_path / "repo"
    folder.mkdir()
    return folder


def write_repo_config(repo: Path, text: str | bytes) -> None:
    data = text.encode("utf-8") if isinstance(text, str) else text
    (repo / REPO_CONFIG_NAME).write_bytes(data)


def write_user_config(text: str) -> Path:
    path = user_config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- defaults and layering -------------------------------------------------------------


def test_no_files_means_defaults(repo: Path) -> None:
    assert load_config(repo) == DEFAULTS


def test_user_config_lives_in_the_isolated_config_home(tmp_path: Path) -> None:
    assert user_config_path() == tmp_path / "home" / "xdg_config_home" / "gitorch" / "config.yaml"


@pytest.mark.parametrize("text", ["", "\n", "# only a comment\n", "---\n", "agent:\nland:\n"])
def test_empty_file_or_empty_sections_mean_defaults(repo: Path, text: str) -> None:
    write_repo_config(repo, text)
    assert load_config(repo) == DEFAULTS


def test_repo_file_sets_values(repo: Path) -> None:
    write_repo_config(repo, """\
roadmap: ./docs/ROADMAP.md
main_branch: trunk
remote: null
max_parallel: 2
worktrees_dir: ../tracks
agent:
  command: ["my-agent", "--prompt-file", "{prompt_file}", "--track", "{track}"]
  timeout: 1h30m
phases:
  - name: build
    prompt: "Build {track_title} in {worktree}."
land:
  test_command: [pytest, -q]
  test_timeout: 90
  push: false
  retries: 0
  mode: pr
  pr: per-track
claims: {remote: true, heartbeat: 30s, expire: 5m}
run:
  every: 1m
  for: 2d
  retries: 5
""")
    assert load_config(repo) == Config(
        roadmap="docs/ROADMAP.md",
        main_branch="trunk",
        remote=None,
        max_parallel=2,
        worktrees_dir="../tracks",
        agent=AgentConfig("claude", ("my-agent", "--prompt-file", "{prompt_file}", "--track",
                                     "{track}"), 5400.0),
        phases=(PhaseConfig("build", "Build {track_title} in {worktree}."),),
        land=LandConfig(("pytest", "-q"), 90.0, False, 0, True, 2, None, None, "pr",
                        "per-track"),
        claims=ClaimsConfig(True, 30.0, 300.0),
        run=RunConfig(60.0, 172800.0, 5),
        roadmap_given=True,
    )


def test_user_file_overrides_repo_file_key_by_key(repo: Path) -> None:
    write_repo_config(repo, "max_parallel: 2\nagent:\n  preset: codex\n  timeout: 1h\n"
                            "land:\n  test_command: [make, test, -j4]\n")
    write_user_config("agent:\n  timeout: 30m\nland:\n  test_command: [tox]\n")
    config = load_config(repo)
    assert config.max_parallel == 2
    assert config.agent == AgentConfig("codex", None, 1800.0)
    assert config.land.test_command == ("tox",)  # lists replace, they do not merge
    assert config.land.push is True


def test_overrides_win_over_both_files(repo: Path) -> None:
    write_repo_config(repo, "max_parallel: 2\nrun:\n  every: 5m\n  for: 1h\n")
    write_user_config("max_parallel: 3\nagent:\n  preset: aider\n")
    config = load_config(repo, {"max_parallel": 8, "run.for": "3h", "agent.command": ["x"],
                                "land.push": False})
    assert config.max_parallel == 8
    assert config.run == RunConfig(300.0, 10800.0, 2)
    assert config.agent == AgentConfig("aider", ("x",), 7200.0)
    assert config.land.push is False


def test_phases_replace_as_a_whole(repo: Path) -> None:
    write_repo_config(repo, "phases:\n  - {name: a, prompt: one}\n  - {name: b, prompt: two}\n")
    write_user_config("phases:\n  - {name: only, prompt: three}\n")
    assert load_config(repo).phases == (PhaseConfig("only", "three"),)


def test_none_override_is_a_flag_not_given_unless_the_key_may_be_null(repo: Path) -> None:
    write_repo_config(repo, "max_parallel: 2\nland:\n  test_command: [pytest]\n")
    config = load_config(repo, {"max_parallel": None, "run.every": None, "remote": None,
                                "land.test_command": None})
    assert config.max_parallel == 2
    assert config.run.every == 600.0
    assert config.remote is None
    assert config.land.test_command is None


def test_overrides_may_be_nested_mappings(repo: Path) -> None:
    config = load_config(repo, {"agent": {"preset": "gemini"}, "agent.timeout": 60})
    assert config.agent == AgentConfig("gemini", None, 60.0)


def test_config_is_frozen(repo: Path) -> None:
    config = load_config(repo)
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.max_parallel = 9  # type: ignore[misc]


# --- the shipped texts -----------------------------------------------------------------


def test_example_file_loads_to_exactly_the_defaults(repo: Path) -> None:
    shutil.copy(EXAMPLE, repo / REPO_CONFIG_NAME)
    assert load_config(repo) == DEFAULTS


def test_example_file_documents_every_key() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    for field in dataclasses.fields(Config):
        name = {"roadmap_words": "  group_words", "roadmap_given": "roadmap"}.get(
            field.name, field.name)
        assert re.search(rf"^#? ?{name}:", text, re.MULTILINE), field.name
    for section in ("agent", "land", "claims", "run", "logs"):
        for field in dataclasses.fields(getattr(DEFAULTS, section)):
            assert f"\n  {field.name.rstrip('_')}:" in text, f"{section}.{field.name}"
    for word in (*PRESET_NAMES, "{prompt}", "{prompt_file}", "{track}", "{phase}", "stdin"):
        assert word in text


def test_example_phases_are_valid_when_uncommented(repo: Path) -> None:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    start = lines.index("# phases:")
    block = []
    for line in lines[start:]:
        if not line.startswith("#"):
            break
        block.append(line[2:])
    write_repo_config(repo, "\n".join(block) + "\n")
    assert [phase.name for phase in load_config(repo).phases] == ["work", "commit"]


def test_default_config_text_is_short_valid_and_sets_nothing(repo: Path) -> None:
    text = default_config_text()
    assert len(text.splitlines()) <= 20
    assert all(line.startswith("#") or not line.strip() for line in text.splitlines())
    write_repo_config(repo, text)
    assert load_config(repo) == DEFAULTS


def test_default_phases_are_work_review_commit_with_known_fields() -> None:
    assert [phase.name for phase in DEFAULT_PHASES] == ["work", "review", "commit"]
    values = {name: f"<{name}>" for name in PROMPT_FIELDS}
    for phase in DEFAULT_PHASES:
        rendered = render(phase, values)
        assert "<track>" in rendered and "<track_body>" in rendered
        assert "{" not in rendered
    assert "leave the working tree clean" in DEFAULT_PHASES[-1].prompt
    assert "test" in DEFAULT_PHASES[1].prompt


def test_preset_names_match_the_agent_presets() -> None:
    assert set(PRESET_NAMES) == set(PRESETS)


# --- durations -------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "seconds"), [
    ("90s", 90.0), ("10m", 600.0), ("6h", 21600.0), ("2d", 172800.0), ("1h30m", 5400.0),
    ("1d2h3m4s", 93784.0), ("1.5h", 5400.0), (" 45s ", 45.0), ("0s", 0.0), ("90", 90.0),
    ("2.5", 2.5), (90, 90.0), (0.5, 0.5),
])
def test_parse_duration(value: object, seconds: float) -> None:
    assert parse_duration(value) == seconds


@pytest.mark.parametrize("value", [
    "", "h", "10x", "1m30", "30m1h", "1h1h", "-5m", "5 m", "1h 30m", "1,5h", ".5h",
    "5M", True, None, [], -1, float("inf"), float("nan"),
])
def test_parse_duration_refuses(value: object) -> None:
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration(value)


@pytest.mark.parametrize(("seconds", "text"), [
    (0, "0s"), (1, "1s"), (90, "1m30s"), (600, "10m"), (3600, "1h"), (5400, "1h30m"),
    (21600, "6h"), (86400, "1d"), (90061, "1d1h1m1s"), (1.5, "1.5s"), (60.25, "1m0.25s"),
])
def test_format_duration(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text
    assert parse_duration(text) == seconds


def test_format_duration_refuses_negative() -> None:
    with pytest.raises(ValueError):
        format_duration(-1)


# --- sizes -----------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "size"), [
    (0, 0), (1500, 1500), ("1500", 1500), ("10MB", 10 * 1024**2), ("512KB", 512 * 1024),
    ("512kb", 512 * 1024), ("1.5GB", 3 * 1024**3 // 2), ("2 MiB", 2 * 1024**2), ("7B", 7),
    (" 3k ", 3072),
])
def test_parse_size(value: object, size: int) -> None:
    assert parse_size(value) == size


@pytest.mark.parametrize("value", ["", "MB", "10 XB", "-1MB", "1,5MB", True, None, -1, 1.5])
def test_parse_size_refuses(value: object) -> None:
    with pytest.raises(ValueError, match="not a size"):
        parse_size(value)


@pytest.mark.parametrize(("size", "text"), [
    (0, "0B"), (1023, "1023B"), (1024, "1KB"), (1536, "1.5KB"), (50 * 1024**2, "50MB"),
    (200 * 1024**2 + 1, "200MB"), (3 * 1024**3, "3GB"),
])
def test_format_size(size: int, text: str) -> None:
    assert format_size(size) == text


def test_sizes_read_from_the_file_and_null_turns_a_limit_off(repo: Path) -> None:
    write_repo_config(repo, "land:\n  max_file_size: 1KB\n  warn_file_size: null\n"
                            "logs:\n  max_size: 4096\n")
    config = load_config(repo)
    assert (config.land.max_file_size, config.land.warn_file_size) == (1024, None)
    assert config.logs.max_size == 4096


# --- broken configs --------------------------------------------------------------------

EVERY_TOP_KEY = ("roadmap, main_branch, remote, remote_timeout, max_parallel, worktrees_dir, "
                 "agent, phases, land, claims, run, scheduling, worktree, sandbox, notify, logs")

BROKEN: list[tuple[str, str | bytes, str]] = [
    ("unknown top key", "max_parallel: 2\nagnt:\n  preset: claude\n",
     "gitorch.yaml:2: agnt: unknown key (did you mean agent?)"),
    ("unknown top key, no near miss", "zzz: 1\n",
     f"gitorch.yaml:1: zzz: unknown key (expected one of {EVERY_TOP_KEY})"),
    ("unknown nested key", "agent:\n  preset: claude\n  tmeout: 1h\n",
     "gitorch.yaml:3: agent.tmeout: unknown key (did you mean timeout?)"),
    ("unknown overlap mode", "scheduling:\n  overlap: strikt\n",
     "gitorch.yaml:2: scheduling.overlap: unknown overlap mode 'strikt' (did you mean strict?)"),
    ("overlap not a word", "scheduling:\n  overlap: 3\n",
     "gitorch.yaml:2: scheduling.overlap: expected one of prefer, strict, off"),
    ("wrong type", "max_parallel: four\n",
     "gitorch.yaml:1: max_parallel: expected a whole number of at least 1"),
    ("bool for int", "land:\n  retries: true\n",
     "gitorch.yaml:2: land.retries: expected a whole number of at least 0"),
    ("unknown land mode", "land:\n  mode: merge\n",
     "gitorch.yaml:2: land.mode: expected one of push, pr"),
    ("unknown pr layout", "land:\n  pr: [per-track]\n",
     "gitorch.yaml:2: land.pr: expected one of single, per-track"),
    ("float for int", "max_parallel: 1.5\n",
     "gitorch.yaml:1: max_parallel: expected a whole number of at least 1"),
    ("negative max_parallel", "max_parallel: -2\n",
     "gitorch.yaml:1: max_parallel: expected a whole number of at least 1"),
    ("zero max_parallel", "# comment\n\nmax_parallel: 0\n",
     "gitorch.yaml:3: max_parallel: expected a whole number of at least 1"),
    ("int for bool", "claims:\n  remote: 1\n",
     "gitorch.yaml:2: claims.remote: expected true or false"),
    ("resume not a flag", "agent:\n  resume: later\n",
     "gitorch.yaml:2: agent.resume: expected true or false"),
    ("bad duration", "agent:\n  preset: codex\n  timeout: soon\n",
     "gitorch.yaml:3: agent.timeout: expected a duration like 90s, 10m or 2h"),
    ("bad size", "land:\n  max_file_size: huge\n",
     "gitorch.yaml:2: land.max_file_size: expected a size like 512KB, 10MB or 1GB (or a "
     "number of bytes)"),
    ("zero size", "logs:\n  max_size: 0\n",
     "gitorch.yaml:2: logs.max_size: expected a size above zero, like 512KB or 10MB "
     "(null: no limit)"),
    ("units out of order", "run:\n  for: 30m1h\n",
     "gitorch.yaml:2: run.for: expected a duration like 90s, 10m or 2h"),
    ("zero duration", "run:\n  every: 0s\n",
     "gitorch.yaml:2: run.every: expected a duration above zero, like 90s, 10m or 2h"),
    ("empty command", "agent:\n  command: []\n",
     "gitorch.yaml:2: agent.command: expected at least one argument: the program to run"),
    ("command not a list", "land:\n  test_command: pytest -q\n",
     'gitorch.yaml:2: land.test_command: expected a list of arguments like ["pytest", "-q"], '
     "not one string (nothing runs through a shell)"),
    ("command a mapping", "agent:\n  command: {run: x}\n",
     'gitorch.yaml:2: agent.command: expected a list of arguments like ["pytest", "-q"]'),
    ("non-string argv item", "agent:\n  command:\n    - my-agent\n    - --retries\n    - 3\n",
     "gitorch.yaml:5: agent.command[2]: expected a string; put it in quotes"),
    ("empty program", "agent:\n  command: ['', x]\n",
     "gitorch.yaml:2: agent.command[0]: expected the program to run, not an empty string"),
    ("unknown preset, near miss", "agent:\n  preset: claud\n",
     "gitorch.yaml:2: agent.preset: unknown preset 'claud' (did you mean claude?)"),
    ("unknown preset", "agent:\n  preset: cursor\n",
     "gitorch.yaml:2: agent.preset: unknown preset 'cursor' "
     "(expected one of claude, codex, aider, gemini, opencode, qwen, copilot)"),
    ("section not a mapping", "agent: claude\n",
     "gitorch.yaml:1: agent: expected a mapping with keys preset, command, timeout, "
     "idle_timeout, budget_usd, resume, rate_limit_patterns, auth_patterns"),
    ("empty phases", "phases: []\n",
     "gitorch.yaml:1: phases: expected a non-empty list of phases, each with name and prompt"),
    ("phases missing prompt", "phases:\n  - name: work\n    prompt: go\n  - name: lint\n",
     "gitorch.yaml:4: phases[1]: missing prompt (each phase needs name and prompt; only "
     "work, review and commit have built-in ones)"),
    ("phase not a mapping", "phases:\n  - work\n",
     "gitorch.yaml:2: phases[0]: expected a mapping with keys name, prompt, agent"),
    ("unknown key in a phase", "phases:\n  - name: work\n    promt: x\n",
     "gitorch.yaml:3: phases[0].promt: unknown key (did you mean prompt?)"),
    ("duplicate phase", "phases:\n  - {name: work, prompt: a}\n  - {name: work, prompt: b}\n",
     "gitorch.yaml:3: phases[1].name: duplicate phase name 'work' (first at phases[0])"),
    ("phase name with a space", "phases:\n  - {name: my phase, prompt: a}\n",
     "gitorch.yaml:2: phases[0].name: expected a short name like work or review "
     "(letters, digits, - and _)"),
    ("misspelt prompt field", "phases:\n  - name: work\n    prompt: do {trak}\n",
     "gitorch.yaml:3: phases[0].prompt: unknown field {trak} (did you mean {track}?)"),
    ("broken YAML: unclosed bracket", "max_parallel: 2\nagent:\n  command: [a, b\n",
     "gitorch.yaml:3: invalid YAML: while parsing a flow sequence, expected ',' or ']', "
     "but got '<stream end>'"),
    ("broken YAML: mapping in a value", "remote: a: b\n",
     "gitorch.yaml:1: invalid YAML: mapping values are not allowed here"),
    ("tab indentation", "agent:\n\tpreset: codex\n",
     "gitorch.yaml:2: invalid YAML: while scanning for the next token, found character "
     "'\\t' that cannot start any token"),
    ("two documents", "max_parallel: 4\n---\nmax_parallel: 5\n",
     "gitorch.yaml:2: invalid YAML: expected a single document in the stream, "
     "but found another document"),
    ("unsafe tag", "agent:\n  timeout: !!python/object:os.system x\n",
     "gitorch.yaml:2: invalid YAML: could not determine a constructor for the tag "
     "'tag:yaml.org,2002:python/object:os.system'"),
    ("control character", "remote: \x07\n",
     "gitorch.yaml:1: invalid YAML: character #x0007 is not allowed"),
    ("top-level list", "\n- roadmap: x\n",
     "gitorch.yaml:2: expected key: value settings at the top level, like max_parallel: 4"),
    ("top-level scalar", "just text\n",
     "gitorch.yaml:1: expected key: value settings at the top level, like max_parallel: 4"),
    ("duplicate key", "remote: origin\nmax_parallel: 2\nremote: upstream\n",
     "gitorch.yaml:3: remote: duplicate key (first at line 1)"),
    ("duplicate nested key", "land:\n  push: true\n  push: false\n",
     "gitorch.yaml:3: land.push: duplicate key (first at line 2)"),
    ("absolute roadmap", "roadmap: /etc/ROADMAP.md\n",
     "gitorch.yaml:1: roadmap: expected a relative path inside the repository, like ROADMAP.md"),
    ("roadmap outside the repo", "roadmap: docs/../../ROADMAP.md\n",
     "gitorch.yaml:1: roadmap: expected a relative path inside the repository, like ROADMAP.md"),
    ("empty string", "worktrees_dir: ''\n",
     "gitorch.yaml:1: worktrees_dir: expected a non-empty string"),
    ("number for a name", "remote: 12\n", "gitorch.yaml:1: remote: expected a non-empty string"),
    ("non-string key", "? [a, b]\n: 1\n", "gitorch.yaml:1: expected plain names as keys"),
    ("heartbeat not below expire", "claims:\n  heartbeat: 10m\n",
     "gitorch.yaml:2: claims.heartbeat: expected a duration shorter than claims.expire (10m)"),
    ("non-UTF-8 bytes", b"roadmap: ROADMAP.md\nremote: caf\xe9\n",
     "gitorch.yaml:2: not valid UTF-8; save the file as UTF-8"),
]


@pytest.mark.parametrize(("text", "message"), [case[1:] for case in BROKEN],
                         ids=[case[0] for case in BROKEN])
def test_broken_repo_config(repo: Path, text: str | bytes, message: str) -> None:
    write_repo_config(repo, text)
    with pytest.raises(ConfigError) as caught:
        load_config(repo)
    assert str(caught.value) == message
    assert "\n" not in str(caught.value)


def test_user_file_errors_show_its_full_path(repo: Path) -> None:
    path = write_user_config("max_parallel: 2\nrun:\n  for: forever\n")
    with pytest.raises(ConfigError) as caught:
        load_config(repo)
    assert str(caught.value) == f"{path}:3: run.for: expected a duration like 90s, 10m or 2h"


def test_cross_key_error_blames_the_layer_that_set_it_last(repo: Path) -> None:
    write_repo_config(repo, "claims:\n  heartbeat: 2m\n")
    path = write_user_config("\nclaims:\n  expire: 1m\n")
    with pytest.raises(ConfigError) as caught:
        load_config(repo)
    assert str(caught.value) == (
        f"{path}:3: claims.expire: expected a duration longer than claims.heartbeat (2m)")


@pytest.mark.parametrize(("overrides", "message"), [
    ({"run.for": "forever"},
     "command line: run.for: expected a duration like 90s, 10m or 2h"),
    ({"max_parallel": 0}, "command line: max_parallel: expected a whole number of at least 1"),
    ({"max_parallel": True}, "command line: max_parallel: expected a whole number of at least 1"),
    ({"agent.command": "my-agent -y"},
     'command line: agent.command: expected a list of arguments like ["pytest", "-q"], '
     "not one string (nothing runs through a shell)"),
    ({"agent.command": ["x", 1]}, "command line: agent.command[1]: expected a string; "
                                  "put it in quotes"),
    ({"agent.timout": "1h"}, "command line: agent.timout: unknown key (did you mean timeout?)"),
    ({"parallel": 2}, "command line: parallel: unknown key (did you mean max_parallel?)"),
    ({"claims.heartbeat": "20m"},
     "command line: claims.heartbeat: expected a duration shorter than claims.expire (10m)"),
])
def test_broken_overrides(repo: Path, overrides: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(repo, overrides)
    assert str(caught.value) == message


def test_an_unreadable_config_is_one_line(repo: Path) -> None:
    (repo / REPO_CONFIG_NAME).mkdir()
    with pytest.raises(ConfigError, match=r"^gitorch\.yaml: cannot read it: ") as caught:
        load_config(repo)
    assert "\n" not in str(caught.value)


def test_prompt_fields_are_the_documented_ones_and_the_renderers() -> None:
    documented = {"group", "group_title", "track", "track_title", "track_body", "branch",
                  "worktree", "phase", "paths", "main_commits", "test_output", "pull_request",
                  "review"}
    assert set(PROMPT_FIELDS) == documented
    assert set(FIELD.pattern.split("(")[1].split(")")[0].split("|")) == documented
    for phase in DEFAULT_PHASES:
        assert set(re.findall(r"\{(\w+)\}", phase.prompt)) <= documented


def test_other_braces_in_a_prompt_are_kept(repo: Path) -> None:
    prompt = 'Reply with JSON like {"ok": true}; keep {placeholder} and a lone } as is.'
    write_repo_config(repo, f"phases:\n  - name: work\n    prompt: '{prompt}'\n")
    assert load_config(repo).phases == (PhaseConfig("work", prompt),)


def test_scheduling_overlap_defaults_to_prefer_and_may_be_set(repo: Path) -> None:
    assert load_config(repo).scheduling.overlap == "prefer"
    write_repo_config(repo, "scheduling:\n  overlap: strict\n")
    assert load_config(repo).scheduling.overlap == "strict"
    assert load_config(repo, {"scheduling.overlap": "off"}).scheduling.overlap == "off"
    write_repo_config(repo, "scheduling:\n  overlap: off\n")  # YAML's false
    assert load_config(repo).scheduling.overlap == "off"


@pytest.mark.parametrize("xdg", [True, False])
def test_user_folders_are_platformdirs_without_importing_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, xdg: bool) -> None:
    """Linux's XDG folders are read by gitorch itself: platformdirs is slow to import."""
    if not xdg:
        monkeypatch.delenv("XDG_CONFIG_HOME")
        monkeypatch.delenv("XDG_CACHE_HOME")
    probe = ("import sys; from gitorch.config.loader import parsed_config_cache, "
             "user_config_path; print(user_config_path()); print(parsed_config_cache()); "
             "print('platformdirs' in sys.modules); import platformdirs; "
             "print(platformdirs.user_config_path('gitorch') / 'config.yaml'); "
             "print(platformdirs.user_cache_path('gitorch') / 'config')")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    mine_config, mine_cache, imported, their_config, their_cache = done.stdout.splitlines()
    assert (mine_config, mine_cache, imported) == (their_config, their_cache, "False")
    home = Path(os.environ["HOME"])
    assert Path(mine_config) == (home / "xdg_config_home" if xdg else home / ".config"
                                 ) / "gitorch" / "config.yaml"
