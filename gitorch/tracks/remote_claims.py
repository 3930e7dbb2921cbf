"""Claims shared through the git remote (DESIGN §4 "Remote"): the server is the arbiter.

A claim is pushed with a lease that expects the ref absent (or at the stale value being
taken over), so of two machines racing for a track exactly one push succeeds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from gitorch import git
from gitorch.errors import GitorchError
from gitorch.git import network
from gitorch.names import TrackId, claim_ref
from gitorch.project import Project
from gitorch.tracks.claims import Claim, claim_message, parse_claim

MIRROR = "refs/gitorch/remote-claims/"
def claims_refspec() -> str:
    """Where fetched remote claims land: beside, never over, the local ones."""
    return f"+refs/gitorch/claims/*:{MIRROR}*"


@dataclass(frozen=True)
class RemoteClaim:
    """A claim ref on the remote, as last fetched."""

    commit: str
    claim: Claim | None  # None: the ref points at something that is not a claim

    def age(self) -> float | None:
        """Seconds since its last heartbeat, or None if unknown."""
        if self.claim is None:
            return None
        try:
            stamp = datetime.strptime(self.claim.time, "%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            return None
        return (datetime.now(timezone.utc) - stamp.replace(tzinfo=timezone.utc)).total_seconds()


def fetched_claims(project: Project) -> dict[str, RemoteClaim]:
    """The remote's claims as of the last fetch, by track id."""
    found = {}
    for ref, (commit, message) in git.ref_messages(project.paths, MIRROR).items():
        found[ref.removeprefix(MIRROR)] = RemoteClaim(commit, parse_claim(commit, message))
    return found


def is_expired(project: Project, remote: RemoteClaim) -> bool:
    """A remote claim not refreshed for claims.expire may be taken over."""
    age = remote.age()
    return age is None or age > project.config.claims.expire


def push_claim(project: Project, remote: str, track: TrackId, commit: str,
               expected: str | None) -> network.PushOutcome:
    """Point the remote's claim ref at commit if it is still at expected (None: absent)."""
    try:
        return network.push_atomic(project.paths, remote, [(claim_ref(track), commit, expected)],
                               project.config.remote_timeout)
    except GitorchError as error:
        return network.PushOutcome(False, False, str(error))


def heartbeat(project: Project, remote: str, track: TrackId, base: str, pid: int) -> str:
    """Refresh our claim on the remote and locally; GitorchError if it was taken over."""
    local = git.read_ref(project.paths, claim_ref(track))
    if local is None:
        raise GitorchError(f"the claim of {track} is gone")
    fresh = git.create_marker_commit(project.paths, claim_message(track, base, pid))
    outcome = push_claim(project, remote, track, fresh, local)
    if not outcome.ok:
        if outcome.remote_moved:
            raise GitorchError(f"the claim of {track} was taken over by another machine")
        return local  # the network failed: try again at the next beat
    git.update_ref(project.paths, claim_ref(track), fresh, local, f"gitorch: heartbeat {track}")
    return fresh
