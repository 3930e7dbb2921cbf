"""The run's part in pull requests that heal (DESIGN §19): the rounds due, started.

Every tick with tracks in-pr lands, and each landing follows every open pull request
(gitorch.land.pr_follow), making a round due where checks failed or a review asked for
changes. This starts those rounds in the free slots, as repairs are started.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from gitorch.errors import GitorchError
from gitorch.names import TrackId
from gitorch.project import Project
from gitorch.schedule.snapshot import Snapshot
from gitorch.tracks.pr_rounds import open_round
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
