"""Releasing a claim: the track is pending again; its branch and worktree stay for reuse."""

from __future__ import annotations

from pathlib import Path

from gitorch import git
from gitorch.errors import GitorchError
from gitorch.git import network
from gitorch.names import TrackId, claim_ref
from gitorch.project import Project
from gitorch.tracks.claims import drop_claim, read_claim
from gitorch.tracks.control import end_runner
from gitorch.tracks.records import TrackRecord, pid_alive
from gitorch.tracks.remote_claims import claims_refspec, fetched_claims
from gitorch.upstream import remote_name


def release(project: Project, track: TrackId, stop_first: bool, force: bool = False) -> str:
    """Free the track's claim so it is pending again."""
    record = TrackRecord.load(project, track)
    if record is not None and pid_alive(record.pid, record.host):
        if not stop_first:
            raise GitorchError(f"track {track}'s runner (PID {record.pid}) is running; "
                               f"stop it first or use gitorch release --stop {track}")
        end_runner(record)
    return forget_claim(project, track, force)


def forget_claim(project: Project, track: TrackId, force: bool = False) -> str:
    """Delete the claim ref (here and, shared, on the remote) and the record."""
    commit, _ = read_claim(project.paths, track)
    record = TrackRecord.load(project, track)
    remote = _drop_remote_claim(project, track, commit, force)
    landed = record is not None and record.state == "landed"
    if commit is None and (record is None or landed):
        return (f"Track {track} has landed; it holds no claim{remote}." if landed
                else f"Track {track} was not claimed{remote}.")
    if commit is not None:
        try:
            drop_claim(project.paths, track, commit)
        except git.RefMoved as moved:
            if git.read_ref(project.paths, claim_ref(track)) == commit:
                raise GitorchError(f"could not release {track}: {moved}") from moved
            raise GitorchError(f"track {track} was claimed again meanwhile; nothing "
                               "released") from moved
    if landed:  # its record is what says it landed: kept
        return f"Released the claim left on landed track {track}{remote}."
    project.state.record(track).unlink(missing_ok=True)
    return f"Released {track}{remote}{_kept(project, record)}."


def _kept(project: Project, record: TrackRecord | None) -> str:
    """What of the track's work stays for reuse, naming only what is there."""
    if record is None:
        return ""
    kept = [f"branch {record.branch}"] if git.branch_exists(project.paths, record.branch) else []
    if Path(record.worktree).exists():
        kept.append(f"worktree {record.worktree}")
    return f"; {' and '.join(kept)} kept" if kept else ""


def _drop_remote_claim(project: Project, track: TrackId, ours: str | None,
                       force: bool) -> str:
    """Delete the track's claim on the shared remote if it is ours (or force)."""
    remote = remote_name(project) if project.config.claims.remote else None
    if remote is None:
        return ""
    network.fetch(project.paths, remote, [claims_refspec()], project.config.remote_timeout)
    there = fetched_claims(project).get(str(track))
    if there is None:
        return ""
    host = there.claim.host if there.claim else "an unknown machine"
    # Ours only if it is the very claim commit we hold: one host may have several clones.
    if there.commit != ours and not force:
        raise GitorchError(f"track {track} is claimed by {host} on {remote}; release it "
                           "there, or use --force")
    outcome = network.push_atomic(project.paths, remote, [(claim_ref(track), None, there.commit)],
                              project.config.remote_timeout)
    if not outcome.ok:
        raise GitorchError(f"could not release the claim of {track} on {remote}: "
                           f"{outcome.message}")
    return f" (also on {remote})"
