"""`gitorch demo`: a throwaway repository with a sample roadmap, analysed as `status` would."""

from __future__ import annotations

import shutil
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

from gitorch import git
from gitorch.commands.status import collect

DEMO_ROADMAP = resources.files("gitorch").joinpath("resources/demo-roadmap.md")


def demo(clean: bool) -> tuple[Path, dict[str, Any]]:
    """Make the demo repository and return its path and status document."""
    folder = Path(tempfile.mkdtemp(prefix="gitorch-demo-"))
    try:
        repo = folder / "harbour"
        git.init_repository(repo, "main")
        (repo / "ROADMAP.md").write_text(DEMO_ROADMAP.read_text(encoding="utf-8"),
                                         encoding="utf-8")
        git.commit_all(repo, "Add the roadmap")
        return folder, collect(repo)
    finally:
        if clean:
            shutil.rmtree(folder, ignore_errors=True)
