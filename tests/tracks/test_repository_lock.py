"""The repository locks (start, worktrees, land) between real processes."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from gitorch.errors import GitorchError
from gitorch.tracks.claims import repository_lock

# Takes the lock, says so, and holds it until its stdin closes.
HOLDER = """
import sys
from pathlib import Path
from gitorch.tracks.claims import repository_lock
with repository_lock(Path(sys.argv[1]), "worktrees", shared=sys.argv[2] == "shared"):
    print("held", flush=True)
    sys.stdin.read()
"""


@contextmanager
def held_elsewhere(state: Path, kind: str) -> Iterator[None]:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(state), kind],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdin is not None
    try:
        assert holder.stdout.readline() == "held\n"
        yield
    finally:
        holder.stdin.close()
        assert holder.wait(timeout=30) == 0


def test_an_exclusive_holder_keeps_everyone_out_until_it_lets_go(tmp_path: Path) -> None:
    with held_elsewhere(tmp_path, "exclusive"):
        for shared in (True, False):
            with pytest.raises(GitorchError, match=r"worktrees\.lock stayed locked for 0 s"), \
                    repository_lock(tmp_path, "worktrees", 0.1, shared=shared):
                pass
    with repository_lock(tmp_path, "worktrees", 0.1):
        pass


def test_shared_holders_share_and_an_exclusive_one_waits_for_them(tmp_path: Path) -> None:
    with held_elsewhere(tmp_path, "shared"):
        with repository_lock(tmp_path, "worktrees", 0.1, shared=True):
            pass
        with pytest.raises(GitorchError, match="stayed locked"), \
                repository_lock(tmp_path, "worktrees", 0.1):
            pass
    with repository_lock(tmp_path, "worktrees", 0.1):
        pass


def test_a_lockfile_that_cannot_be_opened_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "locks" / "worktrees.lock").mkdir(parents=True)
    with pytest.raises(GitorchError, match=r"cannot use the lockfile .*worktrees\.lock"), \
            repository_lock(tmp_path, "worktrees", 0.1):
        pass
