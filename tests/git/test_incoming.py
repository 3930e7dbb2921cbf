"""Objects from a folder of their own join the store under the names their content gives."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from helpers import make_repo

from gitorch import git as gitmod
from gitorch.git.incoming import add_objects


def write_object(repo: Path, folder: Path, text: str) -> str:
    """Write a blob of repo's into folder, as git inside a sandbox would; its name."""
    done = subprocess.run(["git", "hash-object", "-w", "--stdin"], cwd=repo, input=text,
                          text=True,
                          capture_output=True, check=True,
                          env={**os.environ, "GIT_OBJECT_DIRECTORY": str(folder)})
    return done.stdout.strip()


def loose(folder: Path, name: str) -> Path:
    return folder / name[:2] / name[2:]


def test_what_arrives_is_named_by_its_content(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", "# Plan\n")
    folder, scratch = tmp_path / "folder", tmp_path / "repo" / ".git" / "scratch"
    for made in (folder, scratch, tmp_path / "elsewhere"):
        made.mkdir()
    honest = write_object(repo, folder, "honest\n")
    real = write_object(repo, folder, "what it really holds\n")
    claimed = write_object(repo, tmp_path / "elsewhere", "what it claims to hold\n")
    loose(folder, claimed).parent.mkdir(exist_ok=True)
    shutil.copy(loose(folder, real), loose(folder, claimed))
    paths = gitmod.discover(repo)
    assert add_objects(paths, folder, scratch) == (2, [claimed])
    shown = subprocess.run(["git", "cat-file", "-p", honest], cwd=repo, capture_output=True,
                           text=True, check=True)
    assert shown.stdout == "honest\n"
    missing = subprocess.run(["git", "cat-file", "-e", claimed], cwd=repo, check=False)
    assert missing.returncode != 0
