"""gitorch.compiled: dataclasses made from kept code are the ones compiled anew."""

from __future__ import annotations

import dataclasses
import marshal
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import git, make_repo

from gitorch import compiled
from gitorch.compiled import FILE_NAME, compiled_dataclasses


def _point(field: str = "y") -> type:
    """A frozen dataclass with a default and a field named as given."""
    return dataclasses.make_dataclass("Point", [("x", int), (field, int, dataclasses.field(
        default=2))], frozen=True)


def _refuse_compiling(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled a method that was kept")

    monkeypatch.setattr(compiled, "compile", refuse, raising=False)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    repo = make_repo(tmp_path / "repo", "# Plan\n")
    (repo / ".git" / "gitorch").mkdir()
    monkeypatch.chdir(repo)
    return repo


def test_kept_code_makes_the_same_classes(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with compiled_dataclasses():
        first = _point()
    assert (repo / ".git" / "gitorch" / FILE_NAME).is_file()
    _refuse_compiling(monkeypatch)
    with compiled_dataclasses():
        again = _point()
    assert repr(again(1)) == repr(first(1)) == "Point(x=1, y=2)"
    assert again(1) == again(1, 2) != again(1, 3) and hash(again(1)) == hash(again(1, 2))
    with pytest.raises(dataclasses.FrozenInstanceError):
        again(1).x = 5  # type: ignore[attr-defined]
    assert not hasattr(dataclasses, "exec")


def test_a_changed_class_is_compiled_anew(repo: Path) -> None:
    with compiled_dataclasses():
        _point()
    with compiled_dataclasses():
        changed = _point("z")
    assert repr(changed(1)) == "Point(x=1, z=2)"
    with compiled_dataclasses():
        assert repr(_point()(1)) == "Point(x=1, y=2)"


@pytest.mark.parametrize("content", [
    b"not marshal at all",
    marshal.dumps({"python": "2.7.18", "codes": {}}),
    marshal.dumps([1, 2, 3]),
])
def test_a_file_that_cannot_serve_is_ignored(repo: Path, content: bytes) -> None:
    kept = repo / ".git" / "gitorch" / FILE_NAME
    kept.write_bytes(content)
    with compiled_dataclasses():
        assert repr(_point()(1)) == "Point(x=1, y=2)"
    assert kept.read_bytes() != content  # written again, whole


def test_an_entry_that_is_no_code_is_compiled_anew(repo: Path) -> None:
    kept = repo / ".git" / "gitorch" / FILE_NAME
    with compiled_dataclasses():
        _point()
    document = marshal.loads(kept.read_bytes())
    document["codes"] = dict.fromkeys(document["codes"], "print('no')")
    kept.write_bytes(marshal.dumps(document))
    with compiled_dataclasses():
        point = _point()
    assert point(1, 3) == point(1, 3) and repr(point(1)) == "Point(x=1, y=2)"


def test_a_linked_worktree_keeps_it_in_the_shared_folder(repo: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    git(repo, "worktree", "add", "-q", str(tmp_path / "side"), "-b", "side")
    (tmp_path / "side" / "deep").mkdir()
    monkeypatch.chdir(tmp_path / "side" / "deep")
    with compiled_dataclasses():
        _point()
    assert (repo / ".git" / "gitorch" / FILE_NAME).is_file()


def test_nothing_is_kept_outside_an_initialised_repository(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    repo = make_repo(tmp_path / "repo", "# Plan\n")
    monkeypatch.chdir(repo)
    with compiled_dataclasses():
        assert repr(_point()(1)) == "Point(x=1, y=2)"
    assert not (repo / ".git" / "gitorch").exists()
    monkeypatch.setenv("GIT_DIR", str(repo / ".git"))
    (repo / ".git" / "gitorch").mkdir()
    with compiled_dataclasses():
        _point()
    assert not (repo / ".git" / "gitorch" / FILE_NAME).exists()


def test_inspect_is_imported_only_when_used(repo: Path) -> None:
    """dataclasses needs inspect only for a class without a docstring: its signature."""
    probe = ("import sys\n"
             "from gitorch.compiled import compiled_dataclasses\n"
             "with compiled_dataclasses():\n"
             "    import gitorch.config.settings\n"
             "    print('ast' in sys.modules)\n"
             "    from dataclasses import dataclass\n"
             "    @dataclass\n"
             "    class Bare:\n"
             "        x: int\n"
             "    print(Bare.__doc__, 'ast' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", probe], cwd=repo, text=True,
                          capture_output=True, check=True)
    assert done.stdout.splitlines() == ["False", "Bare(x: int) True"]


def test_nothing_is_kept_by_a_command_that_fails(repo: Path) -> None:
    """A command that refuses leaves the state folder as it was."""
    with pytest.raises(SystemExit), compiled_dataclasses():
        _point()
        raise SystemExit(1)
    assert not (repo / ".git" / "gitorch" / FILE_NAME).exists()
    assert not hasattr(dataclasses, "exec")
