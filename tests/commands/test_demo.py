"""`gitorch demo`: the whole cycle, on a machine with no git identity and an empty HOME."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from helpers import git, gitorch_exe


def bare_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a fresh machine: empty HOME, no identity, temp files in tmp_path."""
    home, scratch = tmp_path / "empty-home", tmp_path / "tmp"
    home.mkdir()
    scratch.mkdir()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GIT_", "XDG_")) and k not in ("EMAIL", "NO_COLOR")}
    return {**env, "HOME": str(home), "TMPDIR": str(scratch), "GIT_CONFIG_NOSYSTEM": "1",
            "NO_COLOR": "1"}


def test_demo_runs_the_whole_roadmap_in_a_fresh_home(tmp_path: Path) -> None:
    env = bare_env(tmp_path)
    # The timeout only guards against a hang; how fast the demo is, the benchmarks say.
    done = subprocess.run([gitorch_exe(), "demo"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    for line in ("Starting on Group B, Track 1: Registry Infrastructure",
                 "Starting on Group B, Track 5: Algorithm Tests",
                 "Starting on Group C, Track 1: Map products",
                 "Starting on Group D, Track 2: Documentation site",
                 "12 tracks landed, 0 failed, 0 conflicts", "The roadmap is done."):
        assert line in out, out
    assert re.search(r"wall time [\d.]+s against [\d.]+s for the landed tracks one after "
                     r"another \([\d.]+x faster\)", out), out
    # Track 5 waits for the other four to land (in one landing or, when a tick falls
    # between their ends, in more); Group C waits for Group B.
    before_five = out[:out.index("Starting on Group B, Track 5")]
    landed_first = {t for line in re.findall(r"Landed ([^:]+):", before_five)
                    for t in line.split(", ")}
    assert {"B/1", "B/2", "B/3", "B/4"} <= landed_first, out
    assert out.index("Landed B/5") < out.index("Starting on Group C, Track 1")
    folder = Path(re.findall(r"^Demo folder: (.+)$", out, re.MULTILINE)[0])
    assert folder.parent == tmp_path / "tmp"
    remote = folder / "harbour.git"
    assert git(remote, "rev-list", "--merges", "main") == ""
    files = git(remote, "ls-tree", "-r", "--name-only", "main").split()
    assert len([name for name in files if name.startswith("harbour/")]) == 13
    roadmap = git(remote, "show", "main:ROADMAP.md")
    assert all("✅" in line for line in roadmap.splitlines() if line.startswith("##"))
