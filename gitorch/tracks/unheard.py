"""Track commits the post-commit hook did not report, recorded by the runner after each phase.

Some agents run git with hooks turned off (Gemini CLI blanks `core.hooksPath` for every
command), and a person may commit with `--no-verify`: the runner reads the branch itself
after every phase, so that status, land and report see each commit whether the hook ran
or not, and the wip ref keeps it.
"""

from __future__ import annotations

from pathlib import Path

from gitorch import git
from gitorch.git import heads, history
from gitorch.git.loose import loose_chain
from gitorch.names import TrackId, wip_ref
from gitorch.project import Project
from gitorch.tracks.events import append_events, read_events
from gitorch.tracks.wip import point_wip


def record_unheard(project: Project, track: TrackId, base: str, branch: str,
                   worktree: Path) -> int:
    """Record the branch's commits since base that were made in the track's worktree and
    that the events log lacks; how many.

    Only commits the worktree's own HEAD reflog knows count: a branch pointed at another
    track's commits from elsewhere must not make them this track's.
    """
    wip = wip_ref(track)
    refs = git.read_refs(project.paths, f"refs/heads/{branch}", wip)
    tip = refs.get(f"refs/heads/{branch}")
    if tip is None or tip == base:
        return 0
    made_here = set(heads.head_history(worktree))
    heard = {event.commit for event in read_events(project.state, track)}
    # The usual end of a phase: the hook reported each commit, and they are loose objects
    # that lead to the base one parent each. Then git is not asked for the range.
    chain = loose_chain(project.paths.common_dir, base, tip)
    missing = [] if chain is not None and heard.issuperset(chain) else [
        text for commit, text in history.commit_events(project.paths, base, tip)
        if commit in made_here and commit not in heard]
    if missing:
        append_events(project.state, track, "".join(missing))
    mirrored = refs.get(wip)
    if tip in made_here and (mirrored is None or (
            mirrored != tip and not git.is_ancestor(project.paths, tip, mirrored))):
        point_wip(project, track, tip)
    return len(missing)
