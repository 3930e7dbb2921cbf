"""What a run is told (Options) and how it ended (Summary), with its clock."""

from __future__ import annotations

from dataclasses import dataclass, field

from gitorch.agents.usage import Usage


@dataclass(frozen=True)
class Options:
    """How the loop runs: its tick, its time limit, its slots, its retries."""

    every: float
    for_: float
    parallel: int
    retries: int
    hard_stop: bool = False
    grace: float = 30.0
    poll: float = 0.25


@dataclass
class Summary:
    """How a run ended: why, what landed, what needs a person, and the times."""

    reason: str  # done | time | stuck | signal
    landed: list[str]
    failed: list[str]
    conflicts: list[str]
    stopped: list[str]
    running: list[str]
    waiting: dict[str, list[str]]  # never started: what each waits on
    pushes: int
    wall: float
    track_times: dict[str, float]
    errors: list[str]
    usage: Usage = field(default_factory=Usage)  # tokens and cost spent during the run
    left_out: dict[str, str] = field(default_factory=dict)  # stuck: why, and what next
    needs_review: dict[str, str] = field(default_factory=dict)  # waits for approve: why

    @property
    def exit_code(self) -> int:
        """0, unless tracks (or a landing) were left for a person: then 1."""
        if self.reason == "signal":
            return 0
        return 1 if (self.failed or self.conflicts or self.needs_review
                     or self.reason == "stuck") else 0


def clock(seconds: float) -> str:
    """Elapsed time, compact: 0:03.2, 12:45.0, 1:02:03."""
    minutes, rest = divmod(seconds, 60)
    hours, minutes = divmod(int(minutes), 60)
    return f"{hours}:{minutes:02d}:{rest:02.0f}" if hours else f"{minutes}:{rest:04.1f}"
