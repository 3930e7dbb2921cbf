"""Where a config value came from: a file's name and the line of each key, for messages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gitorch.errors import GitorchError


class YamlFileError(GitorchError):
    """A YAML file that cannot be read; the message starts with `<name>:<line>: `."""


@dataclass
class Source:
    """A file's name as shown in messages, and the line of each dotted key in it.

    Keys are dotted paths: `agent.command`, and `phases[0].name` for list items; the
    empty path is the document itself.
    """

    name: str
    lines: dict[str, int] = field(default_factory=dict)

    def where(self, path: str, line: int | None = None) -> str:
        """`name:line` for path (or its nearest parent in the file), or just the name."""
        while line is None and path:  # a key not in the file: the line of its parent
            line = self.lines.get(path)
            parent = re.sub(r"(\.[^.\[]*|\[\d+\])$", "", path)
            path = parent if parent != path else ""
        line = line or self.lines.get("")
        return f"{self.name}:{line}" if line else self.name

    def message(self, path: str, problem: str, line: int | None = None) -> str:
        """One line: `name:line: path: problem`."""
        prefix = f"{path}: " if path else ""
        return f"{self.where(path, line)}: {prefix}{problem}"

    def error(self, path: str, problem: str, line: int | None = None) -> YamlFileError:
        return YamlFileError(self.message(path, problem, line))
