"""Claims shared through the git remote (DESIGN §4 "Remote"): the server is the arbiter.

A claim is pushed with a lease that expects the ref absent (or at the stale value being
taken over), so of two machines racing for a track exactly one push succeeds.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from gitorch import git, stamps
from gitorch.errors import GitorchError
from gitorch.git import network
from gitorch.names import TrackId, claim_ref
from gitorch.project import Project
from gitorch.state import read_json, write_json
from gitorch.tracks.claims import Claim, claim_message, parse_claim

MIRROR = "refs/gitorch/remote-claims/"
FUTURE_CLAIMS = "future-claims.json"  # claim commit -> when first seen, for those stamped ahead


def claims_refspec() -> str:
    """Where fetched remote claims land: beside, never over, the local ones."""
    return f"+refs/gitorch/claims/*:{MIRROR}*"


@dataclass(frozen=True)
class RemoteClaim:
    """A claim ref on the remote, as last fetched."""

    commit: str
    claim: Claim | None  # None: the ref points at something that is not a claim


def fetched_claims(project: Project) -> dict[str, RemoteClaim]:
    """The remote's claims as of the last fetch, by track id."""
    found = {}
    for ref, (commit, message) in git.ref_messages(project.paths, MIRROR).items():
        found[ref.removeprefix(MIRROR)] = RemoteClaim(commit, parse_claim(commit, message))
    return found


def claim_age(project: Project, remote: RemoteClaim) -> float | None:
    """Seconds since its last heartbeat, or None if unknown.

    A claim stamped in the future (its host's clock runs ahead) counts from when this clone
    first saw it: each heartbeat is a new claim commit, so a live holder still looks live,
    and a dead one's claim expires all the same.
    """
    stamp = stamps.parse(remote.claim.time) if remote.claim else None
    if stamp is None:
        return None
    now = time.time()
    if not stamps.ahead(stamp, now):
        return stamps.since(stamp, now)
    return stamps.since(_first_seen(project, remote.commit, now), now)


def _first_seen(project: Project, commit: str, now: float) -> float:
    """When this clone first saw a claim commit stamped in the future (remembered in state)."""
    path = project.state.root / FUTURE_CLAIMS
    seen = read_json(path) or {}
    if not isinstance(seen.get(commit), (int, float)):
        there = {c.commit for c in fetched_claims(project).values()}
        seen = {k: v for k, v in seen.items() if k in there and isinstance(v, (int, float))}
        seen[commit] = now
        write_json(path, seen)
    return float(seen[commit])


def is_expired(project: Project, remote: RemoteClaim) -> bool:
    """A remote claim not refreshed for claims.expire may be taken over."""
    age = claim_age(project, remote)
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
