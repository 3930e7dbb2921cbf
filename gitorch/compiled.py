"""The methods Python's dataclasses write for gitorch's classes, kept compiled between runs.

dataclasses writes each class's __init__, __repr__ and __eq__ (a frozen class's also
__setattr__, __delattr__ and __hash__) as source text and compiles it as the class is made:
some 180 µs a method, 20-25 ms of every `status --json` for the classes it imports. The code
objects are kept in the repository's state folder, each under its exact source text, with
this Python's version: a method whose source differs is compiled anew, and nothing but the
very code compile() would give is used. A file that cannot be read is ignored. Like
.git/hooks the folder then holds code gitorch runs; a track's sandbox cannot write to it.

dataclasses also imports inspect (with ast, dis and tokenize: ~8 ms) for one call, made only
for a class without a docstring; within compiled_dataclasses inspect is imported when first
used, if ever.
"""

from __future__ import annotations

import importlib
import marshal
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any

from gitorch.locate import state_dir_around

FILE_NAME = "compiled-dataclasses.marshal"
_IMPORTING = threading.Lock()


class _Kept:
    """Code objects by their source text, and whether any was compiled here."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.codes = _read(path) if path else {}
        self.used: set[str] = set()
        self.added = False

    def exec(self, source: str | CodeType, globals: dict[str, Any] | None = None,
             locals: dict[str, Any] | None = None, /) -> None:
        """exec() as dataclasses calls it, compiling a source text once for every run."""
        if type(source) is str:
            self.used.add(source)
            code = self.codes.get(source)
            if type(code) is not CodeType:
                # As exec() compiles a string: no __future__ flags of this module.
                code = self.codes[source] = compile(source, "<string>", "exec", dont_inherit=True)
                self.added = True
            source = code
        exec(source, globals, locals)  # the code dataclasses itself runs


@contextmanager
def compiled_dataclasses() -> Iterator[None]:
    """Dataclasses made within use the code kept for the repository here; new code is kept."""
    try:
        kept = _Kept(_place(os.getcwd()))
    except OSError:  # a folder removed under us, git's files unreadable: the command says so
        kept = _Kept(None)
    if "inspect" not in sys.modules:
        sys.modules["inspect"] = _Deferred("inspect")
    import dataclasses

    dataclasses.exec = kept.exec  # type: ignore[attr-defined]  # found before the builtin
    try:
        yield
    finally:
        del dataclasses.exec  # type: ignore[attr-defined]
    # Kept only after a command that succeeded: one that refuses leaves the state as it was.
    if kept.added and kept.path and os.path.isdir(os.path.dirname(kept.path)):
        from gitorch.disk import DiskFull
        from gitorch.state import write_atomic

        # Only what this run used: code of classes since changed is not kept forever.
        codes = {source: kept.codes[source] for source in kept.used}
        # A folder gitorch may not write to, or a full disk, costs only the speed-up.
        with suppress(OSError, DiskFull):
            write_atomic(Path(kept.path), marshal.dumps({"python": sys.version, "codes": codes}))


class _Deferred(ModuleType):
    """A module in sys.modules that imports the real one when a name of it is first used."""

    def __getattr__(self, name: str) -> Any:
        with _IMPORTING:  # two threads asking at once import it once
            if sys.modules.get(self.__name__) is self:
                del sys.modules[self.__name__]
            return getattr(importlib.import_module(self.__name__), name)


def _read(path: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as file:
            kept = marshal.loads(file.read())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    if type(kept) is not dict or kept.get("python") != sys.version:
        return {}
    codes = kept.get("codes")
    return codes if type(codes) is dict else {}


def _place(cwd: str) -> str | None:
    """The file in the state folder of the repository around cwd, by git's own files.

    None where git's variables (GIT_DIR...) decide; a place git would not find (past a
    ceiling folder, say) costs only the speed-up: the file is written only in a state
    folder there, and its code used only for its very source.
    """
    if any(name in os.environ for name in ("GIT_DIR", "GIT_COMMON_DIR", "GIT_WORK_TREE")):
        return None
    state = state_dir_around(cwd)
    return None if state is None else os.path.join(state, FILE_NAME)
