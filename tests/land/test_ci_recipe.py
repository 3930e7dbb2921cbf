"""The README's CI recipe, run as written in two clones of one bare remote at once."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml
from helpers import git, scripted_repo

README = Path(__file__).parents[2] / "README.md"


def recipe() -> tuple[str, dict[str, object], str]:
    """The CI section's gitorch.yaml, its workflow, and its shell commands."""
    text = README.read_text(encoding="utf-8")
    section = text.split("### Continuous integration\n", 1)[1].split("\n### ", 1)[0]
    blocks = re.findall(r"```(\w+)\n(.*?)```", section, re.DOTALL)
    yamls = [body for kind, body in blocks if kind == "yaml"]
    [shell] = [body for kind, body in blocks if kind == "sh"]
    config, workflow = yamls
    return config, yaml.safe_load(workflow), shell


def test_the_workflow_runs_the_shell_recipe() -> None:
    _, workflow, shell = recipe()
    job = workflow["jobs"]["agents"]  # type: ignore[index]
    assert len(job["strategy"]["matrix"]["slot"]) > 1
    runs = [step["run"] for step in job["steps"] if "gitorch start" in step.get("run", "")]
    assert runs == [shell]
    assert "gitorch start --wait --land" in shell
    assert workflow["permissions"]["contents"] == "write"  # type: ignore[index]


def test_two_ci_jobs_share_the_roadmap_and_land_every_track(tmp_path: Path) -> None:
    config, _, shell = recipe()
    assert yaml.safe_load(config)["claims"]["remote"] is True
    tracks = "".join(f"### Track {n}: Part {n}\nput part{n}.txt {n}\n\n" for n in range(1, 5))
    roadmap = f"# Plan\n\n## Group A: Parts\n\n{tracks}"
    scripted_repo(tmp_path, roadmap, extra_config=config)
    remote = tmp_path / "remote.git"
    said = run_jobs(tmp_path, ["job1", "job2"], shell)

    landed = [re.findall(r"✓ (A/\d) landed", out) for out in said]
    # max_parallel each: a track another job claimed takes none of this job's slots.
    assert [len(job) for job in landed] == [2, 2], "\n----\n".join(said)
    every = sorted(track for job in landed for track in job)
    assert every == ["A/1", "A/2", "A/3", "A/4"], "\n----\n".join(said)
    main = git(remote, "show", "main:ROADMAP.md")
    assert "## Group A: Parts ✅" in main
    assert all(git(remote, "show", f"main:part{n}.txt") == f"{n}\n" for n in range(1, 5))
    assert git(remote, "for-each-ref", "refs/gitorch") == ""


def run_jobs(tmp_path: Path, names: list[str], shell: str) -> list[str]:
    """Run the shell recipe in a fresh clone per name, all at once; what each printed."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    jobs = []
    for name in names:
        git(tmp_path, "clone", "-q", str(tmp_path / "remote.git"), name)
        jobs.append(subprocess.Popen(["sh", "-ec", shell], cwd=tmp_path / name, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True))
    said = [job.communicate(timeout=300)[0] for job in jobs]
    assert [job.returncode for job in jobs] == [0] * len(jobs), "\n----\n".join(said)
    return said
