"""The pull requests land opened and that have not reached main yet, one file each.

`<state>/pull-requests/<name>.json` for branch `gitorch/land/<name>`. Kept apart from the
replay so that `status` can show them without importing land.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from gitorch.project import Project
from gitorch.state import read_json, write_json

BRANCH_PREFIX = "gitorch/land/"


@dataclass
class PullRequest:
    """One pushed landing branch: what it holds, what it is opened against, its URL."""

    branch: str
    head: str  # the branch's tip: the roadmap commit after the tracks
    base: str  # the branch the pull request merges into
    tracks: list[str] = field(default_factory=list)
    title: str = ""
    url: str | None = None
    opened: str = ""  # when, and its place in its landing's chain: sorts them in order
    checks: str = ""  # as last followed: none | pending | failed | passed ("": not yet)
    review: str = ""  # as last followed: none | commented | approved | changes-requested

    @property
    def name(self) -> str:
        return self.branch.removeprefix(BRANCH_PREFIX)


def _folder(project: Project) -> Path:
    return project.state.root / "pull-requests"


def save(project: Project, request: PullRequest) -> None:
    write_json(_folder(project) / f"{request.name}.json", asdict(request))


def body_path(project: Project, request: PullRequest) -> Path:
    """Where the pull request's description is kept, for opening it by hand."""
    return _folder(project) / f"{request.name}.md"


def remove(project: Project, request: PullRequest) -> None:
    (_folder(project) / f"{request.name}.json").unlink(missing_ok=True)
    body_path(project, request).unlink(missing_ok=True)


def open_requests(project: Project) -> list[PullRequest]:
    """Every readable pull request record, in the order they were opened; skips damaged ones."""
    folder = _folder(project)
    found = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        document = read_json(path)
        try:
            request = PullRequest(**document) if document else None
        except TypeError:
            continue
        # A number where a name belongs is damage too: tracks are parsed as track ids.
        if (request is not None and all(isinstance(v, str) for v in (
                request.branch, request.head, request.base, request.title, request.opened,
                request.checks, request.review,
                *(request.tracks if isinstance(request.tracks, list) else [None])))
                and isinstance(request.url, (str, type(None)))):
            found.append(request)
    return sorted(found, key=lambda r: (str(r.opened), r.branch))


def by_track(project: Project) -> dict[str, PullRequest]:
    """The open pull request that holds each track."""
    return {track: request for request in open_requests(project)
            for track in request.tracks}
