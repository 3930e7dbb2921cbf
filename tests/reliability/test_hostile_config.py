"""Hostile configuration (issue 10, item 8): every broken file is one clean line naming it.

Each file in configs/ is committed as gitorch.yaml beside a valid roadmap, and the real
console script must refuse it: exit 1, `Error: gitorch.yaml:<line>: <key>: ...` (or no
key, for YAML that does not parse), and nothing written.
"""

from __future__ import annotations

import re
from pathlib import Path

import platformdirs
import pytest
from helpers import git
from hostile import CANARY, HERE, Snapshot, assert_fails_cleanly, new_repo, run_together

CONFIGS = HERE / "configs"
ROADMAP = b"# Roadmap\n\n## Group A: Valid\n\n### Track 1: Alpha\nBody.\n"
WHOLE = "expected a whole number of at least 1"
SHELL = 'expected a list of arguments like ["pytest", "-q"], not one string ' \
        "(nothing runs through a shell)"
DURATION = "expected a duration like 90s, 10m or 2h"
PHASE_NAME = "expected a short name like work or review (letters, digits, - and _)"
INSIDE = "expected a relative path inside the repository, like ROADMAP.md"

# The exact message after "Error: gitorch.yaml:".
EXPECTED = {
    "alias-bomb.yaml": "5: e: more than 10000 values (an alias used too often?)",
    "command-empty.yaml": "2: agent.command: expected at least one argument: the program to run",
    "command-number.yaml": "2: agent.command[1]: expected a string; put it in quotes",
    "command-one-string.yaml": f"2: agent.command: {SHELL}",
    "deep-nesting.yaml": "1: nested too deeply",
    "duplicate-key.yaml": "3: max_parallel: duplicate key (first at line 1)",
    "heartbeat-over-expire.yaml":
        "2: claims.heartbeat: expected a duration shorter than claims.expire (10m)",
    "main-branch-option.yaml": "1: main_branch: expected a branch name like main, as git allows it",
    "max-parallel-bool.yaml": f"1: max_parallel: {WHOLE}",
    "max-parallel-text.yaml": f"1: max_parallel: {WHOLE}",
    "max-parallel-zero.yaml": f"1: max_parallel: {WHOLE}",
    "non-utf8.yaml": "2: not valid UTF-8; save the file as UTF-8",
    "phase-duplicate.yaml": "3: phases[1].name: duplicate phase name 'work' (first at phases[0])",
    "phase-missing-prompt.yaml":
        "4: phases[1]: missing prompt (each phase needs name and prompt; only work, review "
        "and commit have built-in ones)",
    "phase-name-long.yaml": f"2: phases[0].name: {PHASE_NAME}",
    "phase-name-path.yaml": f"2: phases[0].name: {PHASE_NAME}",
    "preset-typo.yaml": "2: agent.preset: unknown preset 'claud' (did you mean claude?)",
    "python-tag.yaml": f"1: max_parallel: {WHOLE}",
    "remote-option.yaml": "1: remote: expected a remote name like origin, as git allows it",
    "roadmap-absolute.yaml": f"1: roadmap: {INSIDE}",
    "roadmap-nul.yaml":
        "1: roadmap: expected a file name without control characters, like ROADMAP.md",
    "roadmap-outside.yaml": f"1: roadmap: {INSIDE}",
    "run-every-date.yaml": f"2: run.every: {DURATION}",
    "section-not-mapping.yaml":
        "1: land: expected a mapping with keys test_command, test_timeout, push, retries, "
        "repair, repair_attempts, resolve_prompt, fix_prompt, mode, pr, protected, "
        "warn_file_size, max_file_size, approve",
    "tab-indent.yaml": "2: invalid YAML: while scanning for the next token, found character "
                       "'\\t' that cannot start any token",
    "test-command-string.yaml": f"2: land.test_command: {SHELL}",
    "timeout-forever.yaml": f"2: agent.timeout: {DURATION}",
    "timeout-infinite.yaml": f"2: agent.timeout: {DURATION}",
    "timeout-zero.yaml": "2: agent.timeout: expected a duration above zero, like 90s, 10m or 2h",
    "top-level-list.yaml":
        "1: expected key: value settings at the top level, like max_parallel: 4",
    "unclosed-bracket.yaml":
        "3: invalid YAML: while parsing a flow sequence, expected ',' or ']', but got ':'",
    "unknown-key.yaml": "2: max_paralel: unknown key (did you mean max_parallel?)",
    "unknown-nested-key.yaml": "3: agent.timout: unknown key (did you mean timeout?)",
    "worktrees-empty.yaml": "1: worktrees_dir: expected a non-empty string",
}
# Broken YAML has no key to name; everything else names one.
NO_KEY = {"deep-nesting.yaml", "non-utf8.yaml", "tab-indent.yaml", "top-level-list.yaml",
          "unclosed-bracket.yaml"}
# Every command loads the config first, through one function: `start`, the command that
# would write, stands for them all; the user's file is also read by `status`.
COMMANDS = (("start",),)


def test_the_table_covers_the_corpus() -> None:
    assert {path.name for path in CONFIGS.glob("*.yaml")} == set(EXPECTED)
    assert len(EXPECTED) - len(NO_KEY) >= 15


def _refused(repo: Path, message: str,
                        commands: tuple[tuple[str, ...], ...] = COMMANDS) -> None:
    before = Snapshot.of(repo)
    canary = CANARY.exists()
    for done in run_together(repo, *commands):
        assert_fails_cleanly(done, message)
    assert Snapshot.of(repo) == before, "a refused config must leave everything as it was"
    assert CANARY.exists() == canary


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_repo_config(tmp_path: Path, name: str) -> None:
    repo = new_repo(tmp_path, ROADMAP)
    (repo / "gitorch.yaml").write_bytes((CONFIGS / name).read_bytes())
    git(repo, "commit", "-q", "-am", "Break the config")
    message = f"gitorch.yaml:{EXPECTED[name]}"
    names_key = re.match(r"gitorch\.yaml:\d+: [a-z_]+(\.[a-z_]+|\[\d+\])*: ", message)
    assert (name not in NO_KEY) == bool(names_key), "the message names file, line and key"
    _refused(repo, message)


@pytest.mark.parametrize("name", ["timeout-forever.yaml", "alias-bomb.yaml", "non-utf8.yaml"])
def test_broken_user_config(tmp_path: Path, name: str) -> None:
    """The user's own file, in the platform's config folder, is named by its full path."""
    repo = new_repo(tmp_path, ROADMAP)
    user_file = platformdirs.user_config_path("gitorch") / "config.yaml"
    assert tmp_path in user_file.parents, "conftest isolates the user's config folder"
    user_file.parent.mkdir(parents=True, exist_ok=True)
    user_file.write_bytes((CONFIGS / name).read_bytes())
    _refused(repo, f"{user_file}:{EXPECTED[name]}",
                        (("status",), ("status", "--json"), ("start", "--dry-run"), ("start",)))
