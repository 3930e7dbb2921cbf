"""The test gate of land: the test command on a commit, and bisection to find culprits."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from gitorch.errors import GitorchError
from gitorch.git import checkouts, worktree_files
from gitorch.process import child_env, end_group
from gitorch.project import Project
from gitorch.sandbox.rules import gate_jail
from gitorch.state import write_atomic
from gitorch.tracks.claims import repository_lock
from gitorch.tracks.logcut import capped


@dataclass(frozen=True)
class TestRun:
    """One run of the test command."""

    commit: str
    passed: bool
    output: str


@dataclass
class Gate:
    """Runs the test command in a scratch worktree that is reused between lands."""

    project: Project
    command: tuple[str, ...]
    timeout: float
    runs: list[TestRun] = field(default_factory=list)

    @property
    def worktree(self) -> Path:
        # git lists every worktree it knows, with no way to hide one: the name says whose.
        return self.project.state.root / "gitorch-gate"

    def test(self, commit: str) -> TestRun:
        """Check out commit in the scratch worktree and run the test command there."""
        if (self.worktree / ".git").exists():
            worktree_files.checkout_detached(self.worktree, commit)
        else:
            with repository_lock(self.project.state.root, "worktrees"):
                checkouts.prune_worktrees(self.project.paths)
                checkouts.add_detached_worktree(self.project.paths, self.worktree, commit)
        run = self._run(commit)
        self.runs.append(run)
        verdict = "passed" if run.passed else "failed"
        header = f"{' '.join(self.command)} on {commit[:12]}: {verdict}\n"
        write_atomic(self.project.state.gate_log, (header + run.output).encode())
        return run

    def _run(self, commit: str) -> TestRun:
        # Its own process group and a file for output, so a timeout ends every process it
        # started and no leftover child can hold a pipe open. The tests run code the agents
        # wrote: in the agents' sandbox, with only the scratch worktree writable.
        program = self.command[0]
        jail = gate_jail(self.project, self.worktree, program)
        # In a sandbox a missing program is bwrap's failure, which reads as a red gate.
        if not (shutil.which(program) or (self.worktree / program).is_file()):
            raise GitorchError(f"land.test_command: {program}: not found")
        with tempfile.TemporaryFile() as output:
            tests = subprocess.Popen(jail.argv(self.command), cwd=self.worktree,
                                     env=jail.env(child_env()),
                                     stdin=subprocess.DEVNULL, stdout=output,
                                     stderr=subprocess.STDOUT, start_new_session=True)
            try:
                code = tests.wait(timeout=self.timeout)
                note = ""
            except subprocess.TimeoutExpired:
                end_group(tests)
                code, note = -1, f"\ntimed out after {self.timeout:.0f}s\n"
            output.seek(0)
            # The gate's log and the track's hold at most logs.max_size of it.
            said = capped(output.read(), self.project.config.logs.max_size,
                          lambda text: f"{text}\n".encode()).decode("utf-8", "replace")
        return TestRun(commit, code == 0, said + note)


@dataclass(frozen=True)
class GateVerdict:
    """Which tracks passed the gate together, and which failed it with what output."""

    passed: list[str]
    failed: dict[str, str]


def bisect(tracks: Sequence[str], stack_tips: Callable[[Sequence[str]], list[str]],
           test: Callable[[str], TestRun], base: str) -> GateVerdict:
    """Find the tracks whose addition makes the tests fail.

    stack_tips(tracks) replays those tracks in order and returns the tip after each. For k
    culprits among n tracks this runs the tests at most 1 + k * (ceil(log2 n) + 1) times,
    plus once on main when every track failed.
    """
    remaining = list(tracks)
    failed: dict[str, str] = {}
    while remaining:
        tips = stack_tips(remaining)
        whole = test(tips[-1])
        if whole.passed:
            break
        good, bad, bad_output = 0, len(remaining), whole.output
        while bad - good > 1:
            middle = (good + bad) // 2
            run = test(tips[middle - 1])
            if run.passed:
                good = middle
            else:
                bad, bad_output = middle, run.output
        failed[remaining.pop(bad - 1)] = bad_output
    # Every track failing may mean main itself is red: one more run tells.
    if failed and not remaining and not test(base).passed:
        raise GitorchError("the tests fail on main itself, before any track; "
                           "fix main first (nothing landed)")
    return GateVerdict(remaining, failed)

