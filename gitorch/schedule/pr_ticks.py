"""The run's part in pull requests that heal (DESIGN §19): the rounds due, started, and
what the run says when each ends.

Every tick with tracks in-pr lands, and each landing follows every open pull request
(gitorch.land.pr_follow), making a round due where checks failed or a review asked for
changes. This starts those rounds in the free slots, as repairs are started.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from gitorch.errors import GitorchError
from gitorch.names import TrackId
from gitorch.output import plural
from gitorch.project import Project
from gitorch.schedule.snapshot import Snapshot
from gitorch.tracks.pr_rounds import open_round, rounds
from gitorch.tracks.records import TrackRecord
from gitorch.tracks.repair_start import start_repair


def start_rounds(project: Project, snap: Snapshot, parallel: int, since: dict[str, float],
                 say: Callable[[str], None], error: Callable[[str], None]) -> bool:
    """Start the due rounds of pull requests in the free slots; whether any started."""
    free = parallel - len(snap.busy)
    started = False
    for track in snap.having("in-pr"):
        made = open_round(snap.records[track])
        if free <= 0 or not project.config.land.repair or made is None \
                or made["state"] != "due":
            continue
        try:
            start_repair(project, TrackId.parse(track))
        except GitorchError as problem:
            error(f"repair: {problem}")
            continue
        free, started = free - 1, True
        since[track] = time.monotonic()
        say(f"↻ {'Fixing' if made['kind'] == 'fix' else 'Addressing'} Track {track}'s pull "
            f"request: {made['what']} (round {made['round']} of "
            f"{project.config.land.repair_attempts})")
    return started


def round_ended(record: TrackRecord) -> str:
    """The run's line for the pull-request round a track's runner just ended."""
    track = record.track
    if record.state == "stuck":
        return f"✗ Track {track}'s pull request is stuck: {record.reason}"
    made = next(reversed(rounds(record)), None)  # the newest: the one that just ran
    if made is not None and made["state"] == "pushed":
        return (f"✓ Track {track}'s pull request: round {made['round']} pushed "
                f"{plural(len(made['commits']), 'commit')} to {made['url']}")
    return f"✗ Track {track}'s pull request: {record.reason}"
