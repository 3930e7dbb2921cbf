"""`gitorch status`: the seed's monitor, from any worktree or subfolder.

The screens are imported only where they are drawn: `status --json` draws none. The rest
of gitorch is imported once the main worktree's `git status` has begun.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from gitorch import git
from gitorch.git import worktree_files

FETCH_EVERY = 10.0  # seconds between --watch's fetches; frames in between show the last


def collect(cwd: Path, fetch: bool = True) -> dict[str, Any]:
    """The status document for the repository around cwd.

    The main worktree's `git status` (40-60 ms on 20,000 files) is begun before the rest
    of gitorch is imported (about as long), so that the two overlap.
    """
    paths = git.discover(cwd)
    main_changes = worktree_files.worktree_changes_started(paths.main_worktree)
    from gitorch.project import project_for
    from gitorch.status.document import collect as status_document

    return status_document(project_for(paths), fetch, main_changes)


def print_json(cwd: Path, fetch: bool = True) -> None:
    """`status --json`: the document on stdout, a stale remote's warning on stderr."""
    from gitorch.output import emit_json, warn

    document = collect(cwd, fetch)
    if document["warning"]:
        warn(document["warning"])
    emit_json(document)


def render(document: dict[str, Any], colour: bool, verbose: bool = False) -> list[str]:
    """The document as text: one line per track within the terminal's width, or in full."""
    if verbose:
        from gitorch.status.detail import render_detail

        return render_detail(document, colour)
    from gitorch.status.text import Screen
    from gitorch.status.text import render as render_text
    from gitorch.status.watch import terminal_size

    # Piped output keeps whole lines, unless COLUMNS asks for a width.
    width = None
    if sys.stdout.isatty() or os.environ.get("COLUMNS", "").isdigit():
        width = terminal_size(sys.stdout).columns
    return render_text(document, Screen(width, None, colour, datetime.now(timezone.utc)))


def watch(cwd: Path, interval: float, as_json: bool, colour: bool, fetch: bool) -> None:
    """Redraw the status every interval until Ctrl-C."""
    from gitorch.project import open_project
    from gitorch.status import watch as watching
    from gitorch.status.document import collect as status_document
    from gitorch.status.fetching import BackgroundFetch
    from gitorch.upstream import remote_name

    project = open_project(cwd)
    remote = remote_name(project) if fetch else None
    # The first frame comes at once; the remote answers (or not) in the background.
    fetcher = (None if remote is None else
               BackgroundFetch(project, remote, project.config.claims.remote, FETCH_EVERY))

    def collect() -> dict[str, Any]:
        document = status_document(project, fetch=False)
        if fetcher is not None and fetcher.warning:
            document["warning"] = fetcher.warning
        return document

    watching.watch(collect, sys.stdout, interval, as_json, colour)
