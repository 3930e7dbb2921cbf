"""The roadmap on main, as the run loop sees it: read again only when main moves.

The loop looks a few times a second; asking git where main is each time was one process
a look. The ref's files on disk (its loose file and packed-refs) say whether it can have
moved: while they are as they were, main is where it was.
"""

from __future__ import annotations

from collections.abc import Callable

from gitorch import git
from gitorch.errors import GitorchError
from gitorch.project import Project, load_roadmap
from gitorch.roadmap.model import Roadmap


class MainRoadmap:
    """main's tip and its roadmap, kept while main stays put."""

    def __init__(self, project: Project, error: Callable[[str], None]) -> None:
        self._project = project
        self._error = error
        self._stamp: object = None
        self._read: tuple[str, Roadmap] | None = None

    @property
    def tip(self) -> str | None:
        """main's commit when the roadmap was last read (None: not read yet)."""
        return self._read[0] if self._read else None

    def current(self) -> Roadmap:
        """The roadmap on main now.

        A broken roadmap committed mid-run is reported and the last good one kept, so the
        runners at work go on (and the loop with them) until someone fixes it.
        """
        paths, ref = self._project.paths, f"refs/heads/{self._project.main_branch}"
        stamp = git.ref_stamp(paths, ref)
        if self._read is not None and stamp is not None and stamp == self._stamp:
            return self._read[1]
        tip = git.resolve(paths, self._project.main_branch) or ""
        if self._read is None or self._read[0] != tip:
            try:
                roadmap = load_roadmap(self._project, tip or None).roadmap
            except GitorchError as error:
                if self._read is None:
                    raise
                self._error(f"{error} (going on with the roadmap as it was)")
                roadmap = self._read[1]
            self._read = (tip, roadmap)
        self._stamp = stamp
        return self._read[1]
