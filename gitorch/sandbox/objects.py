"""A track's own object folder: where its sandboxed runs write objects, and how they join.

The shared object store holds every track's history and main's: a confined run may not
write it, or a hostile agent could delete or overwrite objects others need. Its git writes
new objects to the track's own folder instead (`GIT_OBJECT_DIRECTORY`, with the shared
store as an alternate, read-only); the hook's wip mirror runs inside and sees them. After
the run, outside the sandbox, they are checked and added to the shared store
(gitorch.git.incoming), and the folder is emptied: the runner, land and status read the
track's commits from there. The folder is never listed as an alternate of the shared store
while an agent can write it: a fifo there under an object's name would hang every git
process that looked for a missing object, the person's own included.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from pathlib import Path

from gitorch.disk import is_full
from gitorch.errors import GitorchError
from gitorch.git.incoming import add_objects
from gitorch.names import TrackId
from gitorch.process import ProcessError
from gitorch.project import Project
from gitorch.sandbox.jail import Jail
from gitorch.tracks.log import TrackLog


def own_objects(project: Project, track: TrackId) -> Path:
    """The track's object folder, made now: bwrap binds only what exists."""
    folder = project.state.root / "objects" / track.key
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def open_objects(project: Project, track: TrackId, jail: Jail) -> Jail:
    """jail, its git writing to the track's object folder."""
    if not jail.sandboxed:
        return jail  # unconfined, git can write the shared store whatever it is told
    folder = own_objects(project, track)
    shared = project.paths.common_dir / "objects"
    return dataclasses.replace(jail, git_env=(("GIT_OBJECT_DIRECTORY", str(folder)),
                                              ("GIT_ALTERNATE_OBJECT_DIRECTORIES", str(shared))))


def gather_objects(project: Project, track: TrackId, log: TrackLog) -> None:
    """Add the objects a run wrote in the track's folder to the shared store; empty it.

    Raises if some were damaged (their content not what their name says, or not files):
    those are not kept. If git cannot add them at all (a full disk, an unreadable file), the
    folder stays as it is, so that nothing is lost, and this raises; the next call adds them.
    """
    folder = project.state.root / "objects" / track.key
    if not folder.is_dir():
        return
    # The agent's own alternates would let it pass off any folder's objects as its own.
    (folder / "info" / "alternates").unlink(missing_ok=True)
    entries = list(folder.rglob("*"))
    # A link could lead git's reads anywhere, a fifo would hang them: none is an object.
    odd = [path for path in entries if path.is_symlink() or not (path.is_dir()
                                                                 or path.is_file())]
    for path in odd:
        path.unlink()
    added, damaged = 0, [f"{path} (not a file)" for path in odd]
    if any(path.is_file() for path in entries if path not in odd):
        scratch = Path(tempfile.mkdtemp(prefix="incoming-", dir=project.state.root))
        try:
            added, bad = add_objects(project.paths, folder, scratch)
        except ProcessError as error:
            if is_full(error):
                raise
            said = error.stderr.strip().splitlines()
            raise GitorchError(f"could not add the objects the agent of {track} wrote to the "
                               f"shared store; they stay in {folder}: "
                               f"{said[-1] if said else error}") from error
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        damaged += bad
    shutil.rmtree(folder, ignore_errors=True)
    if added:
        log.line(f"Added {added} objects the agent wrote to the shared object store")
    if damaged:
        raise GitorchError(f"the agent of {track} wrote damaged objects, which were not "
                           f"kept: {', '.join(damaged[:3])}; see gitorch logs {track}")

