"""32 processes racing `start` for 8 tracks, round after round: every track claimed once."""

from __future__ import annotations

import os
import time
from collections import Counter
from pathlib import Path

from helpers import agent_repo, race_starts, wait_ended

# 10 rounds in the normal suite; GITORCH_STRESS=5 gives the 50 rounds run by hand.
ROUNDS = 10 * int(os.environ.get("GITORCH_STRESS", "1"))
RACERS = 32
EIGHT = "# Plan\n\n## Group A: Eight\n\n" + "".join(
    f"### Track {n}: Part {n}\nx\n\n" for n in range(1, 9))


def test_racing_starts_claim_every_track_exactly_once(tmp_path: Path) -> None:
    began = time.monotonic()
    repos = []
    for round_number in range(ROUNDS):
        repo = agent_repo(tmp_path / f"r{round_number}", EIGHT,
                          extra_config="max_parallel: 8\nphases:\n  - {name: work, prompt: go}\n")
        ledger = tmp_path / f"ledger{round_number}"
        race_starts([repo] * RACERS, ledger=ledger)
        launched = Counter(ledger.read_text().splitlines())
        assert launched == Counter({f"A/{n}": 1 for n in range(1, 9)}), (round_number, launched)
        repos.append(repo)
    for repo in repos:
        for n in range(1, 9):
            assert wait_ended(repo, f"A/{n}")["state"] == "done"
    print(f"{ROUNDS} rounds x {RACERS} racers in {time.monotonic() - began:.1f}s")
