"""Times other clocks wrote: records, claims and state files, from this or another machine.

A clock that runs ahead stamps times in the future. Such a time is taken as now, so an
age is never negative: a claim stamped tomorrow by a dead holder still expires, and a
track that failed "tomorrow" is still tried again. How far ahead a clock runs is shown by
`status -v`.
"""

from __future__ import annotations

from datetime import datetime, timezone

STAMP = "%Y-%m-%dT%H:%M:%SZ"
SLACK = 60.0  # seconds ahead that two clocks may differ by without anyone saying so


def parse(stamp: str | None) -> float | None:
    """A UTC time stamp as epoch seconds (None when missing or damaged)."""
    if stamp is None:
        return None
    try:
        if _canonical(stamp):
            # As gitorch writes them: read without strptime, whose first call costs a status
            # some milliseconds (its module, the locale's names, a regex of the format).
            when = datetime(int(stamp[:4]), int(stamp[5:7]), int(stamp[8:10]),
                            int(stamp[11:13]), int(stamp[14:16]), int(stamp[17:19]))
        else:
            when = datetime.strptime(stamp, STAMP)
        return when.replace(tzinfo=timezone.utc).timestamp()
    except ValueError:
        return None


def _canonical(stamp: str) -> bool:
    """Whether stamp is STAMP with every field in ASCII digits at its full width."""
    digits = stamp[:4] + stamp[5:7] + stamp[8:10] + stamp[11:13] + stamp[14:16] + stamp[17:19]
    return (len(stamp) == 20 and stamp[4] + stamp[7] + stamp[10] + stamp[13] + stamp[16]
            + stamp[19] == "--T::Z" and digits.isascii() and digits.isdigit())


def since(moment: float, now: float) -> float:
    """Seconds from moment to now; a moment in the future is now."""
    return max(0.0, now - moment)


def ahead(moment: float | None, now: float) -> float:
    """How far moment lies in the future beyond the slack clocks may have, else 0."""
    if moment is None or moment - now <= SLACK:
        return 0.0
    return moment - now


def span(seconds: float) -> str:
    """A long stretch of time in a few characters: 29h, 12m, 3d."""
    if seconds >= 2 * 86400:
        return f"{seconds / 86400:.0f}d"
    if seconds >= 3600:
        return f"{seconds / 3600:.0f}h"
    if seconds >= 60:
        return f"{seconds / 60:.0f}m"
    return f"{seconds:.0f}s"
