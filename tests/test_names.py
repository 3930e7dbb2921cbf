"""gitorch.names: ids kept as written, and never a path or ref outside gitorch's places."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from gitorch.errors import GitorchError
from gitorch.names import TrackId, branch_name, claim_ref, id_problem, worktree_path


@pytest.mark.parametrize(("text", "key", "branch", "ref"), [
    ("E/1", "group_E_track_1", "gitorch/E/1/registry", "refs/gitorch/claims/E/1"),
    ("2/T003", "group_2_track_T003", "gitorch/2/T003/registry", "refs/gitorch/claims/2/T003"),
    ("3/03-01", "group_3_track_03-01", "gitorch/3/03-01/registry",
     "refs/gitorch/claims/3/03-01"),
    ("v0.3/1.2", "group_v0.3_track_1.2", "gitorch/v0.3/1.2/registry",
     "refs/gitorch/claims/v0.3/1.2"),
])
def test_ids_are_kept_as_written(tmp_path: Path, text: str, key: str, branch: str,
                                 ref: str) -> None:
    track = TrackId.parse(text)
    assert (str(track), track.key, branch_name(track, "Registry"), claim_ref(track)) == (
        text, key, branch, ref)
    assert worktree_path(tmp_path, track) == tmp_path / key
    for name in (f"refs/heads/{branch}", ref):
        subprocess.run(["git", "check-ref-format", name], check=True)


@pytest.mark.parametrize("text", [
    "../x", "x/..", "E/../1", "E/.1", "E/-1", "E/1.", "E/1.lock", "E/1.LOCK", "E/a..b",
    "E/T$(id)", "E/1 2", "E/1/2", "E/", "/1", "E", "E/" + "1" * 33, "E/\u0661",
    "a_track_b/c", "a/b_TRACK_c",
])
def test_unsafe_ids_are_refused(text: str) -> None:
    with pytest.raises(GitorchError, match="is not a track id"):
        TrackId.parse(text)


def test_a_track_id_made_directly_is_checked_too() -> None:
    with pytest.raises(GitorchError):
        TrackId("E", "../1")
    assert id_problem("T012") is None
    assert id_problem("x.lock") == (
        "may not start with '.' or '-', end with '.' or '.lock', or hold '..'")
