"""How an agent run ended, as its CLI tells it: a usage limit, no login, stuck, or plain.

Each preset knows its CLI's words (from the transcripts of the real CLIs); a custom
command brings its own (`agent.rate_limit_patterns`, `agent.auth_patterns`).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from gitorch.config.settings import AgentConfig

RATE, AUTH, STUCK, FATAL, OK = "rate-limited", "auth", "stuck", "fatal", "ok"
BACKOFF = 15 * 60.0  # a usage limit that names no reset time is tried again after this


@dataclass(frozen=True)
class Signal:
    """One line that says how the run is going: its kind and the line itself."""

    kind: str
    line: str
    end_now: bool = False  # waiting will not change it: end the agent at once


@dataclass(frozen=True)
class _Rule:
    kind: str
    pattern: re.Pattern[str]
    end_now: bool = False
    why: str | None = None  # what to tell the user, in place of the line


def _rules(*rules: tuple[str, str] | tuple[str, str, bool] | tuple[str, str, bool, str]
           ) -> tuple[_Rule, ...]:
    return tuple(_Rule(r[0], re.compile(r[1], re.IGNORECASE), *r[2:]) for r in rules)


_PRESET_RULES: dict[str, tuple[_Rule, ...]] = {
    "claude": _rules(
        (RATE, r"usage limit reached|hit your (session|weekly|usage) limit|"
               r"Request rejected \(429\)|error rate_limit\b|API status 429"),
        (AUTH, r"Not logged in|Invalid API key|authentication_failed|API status 40[13]"),
        (FATAL, r"cannot be used with root/sudo privileges", False,
         "claude refuses --dangerously-skip-permissions as root: run gitorch as a normal "
         "user, or set IS_SANDBOX=1 if this is a container you trust"),
        (OK, r"^claude: finished"),
    ),
    "codex": _rules(
        # "Quota exceeded.": codex 0.171's words for a 429 insufficient_quota.
        (RATE, r"hit your usage limit|usage_limit_reached|usage_not_included|quota_exceeded|"
               r"Quota exceeded\.|exceeded retry limit, last status: 429"),
        (AUTH, r"401 Unauthorized|Not logged in|invalid_api_key"),
        (STUCK, r"Reconnecting\.\.\. waiting for network", True,
         "codex is waiting for the network; check that this machine reaches the API"),
    ),
    "aider": _rules(
        (RATE, r"litellm\.RateLimitError|has rate limited you|insufficient_quota"),
        (AUTH, r"litellm\.AuthenticationError|not able to authenticate you"),
        (AUTH, r"Waiting up to \d+ minutes for you to finish in the browser", True,
         "aider has no API key and waits for a browser login"),
        (OK, r"^Tokens: .* sent, .* received"),
    ),
    "gemini": _rules(
        (RATE, r"TerminalQuotaError|exhausted your daily quota|RESOURCE_EXHAUSTED"),
        (AUTH, r"Please set an Auth method|API key not valid|UNAUTHENTICATED"),
        (FATAL, r"not running in a trusted directory", False,
         "gemini does not trust the worktree; run it with --skip-trust or set "
         "GEMINI_CLI_TRUST_WORKSPACE=true"),
    ),
    # Its own renderer's lines (stream.py) carry the API status of an error event.
    "opencode": _rules(
        (RATE, r"API status 429|usage limit reached|Free limit reached|FreeUsageLimitError|"
               r"Quota exceeded"),
        (AUTH, r"API status 40[13]|Incorrect API key|invalid_api_key|API key is missing"),
    ),
    # qwen exits 0 when the API refused every call: the error is its answer's text.
    "qwen": _rules(
        (RATE, r"\[API Error: 429|insufficient_quota|exceeded your current quota|"
               r"Qwen OAuth free tier|Retry attempts exhausted"),
        (AUTH, r"\[API Error: 40[13]|No auth type is selected|Incorrect API key"),
        (OK, r"^qwen: finished"),
    ),
    # Its session.error events, as its renderer (stream.py) puts them.
    "copilot": _rules(
        (RATE, r"^copilot: error \((rate_limit|quota)|API status 429|quota exceeded"),
        (AUTH, r"^copilot: error \(authentication\)|API status 40[13]|"
               r"No authentication information found"),
    ),
}
# Exit codes that say it on their own.
_EXIT_CODES: dict[str, dict[int, str]] = {"gemini": {41: AUTH, 55: FATAL}}
# Aider and qwen exit 0 after an authentication or rate-limit error: their words decide.
_EXIT_ZERO_LIES = frozenset({"aider", "qwen"})


class Patterns:
    """The rules one agent's lines are matched against."""

    def __init__(self, preset: str | None, agent: AgentConfig) -> None:
        own = tuple(_Rule(RATE, re.compile(p)) for p in agent.rate_limit_patterns) + tuple(
            _Rule(AUTH, re.compile(p)) for p in agent.auth_patterns)
        self._rules = _PRESET_RULES.get(preset or "", ()) + own

    def match(self, line: str) -> list[Signal]:
        found = []
        for rule in self._rules:
            if rule.pattern.search(line):
                found.append(Signal(rule.kind, rule.why or line.strip(), rule.end_now))
                break
        return found


@dataclass(frozen=True)
class Verdict:
    """What a finished agent run means for its track."""

    kind: str  # ok | failed | rate-limited | auth | stuck | fatal
    detail: str | None = None  # the line that told, or what to do
    reset_at: float | None = None  # rate-limited: when to try again (epoch seconds)


def classify(preset: str | None, exit_code: int, signals: list[Signal],
             ended: Signal | None, now: float | None = None) -> Verdict:
    """The verdict on a run from its exit code and the signals its lines gave, in order."""
    now = time.time() if now is None else now
    if ended is not None:
        return Verdict(ended.kind, ended.line)
    if exit_code == 0 and preset not in _EXIT_ZERO_LIES:
        return Verdict(OK)
    telling = [s for s in signals if s.kind != STUCK]
    last = telling[-1] if telling else None
    if last is None or last.kind == OK:
        coded = _EXIT_CODES.get(preset or "", {}).get(exit_code)
        if coded is not None:
            return Verdict(coded, f"exit code {exit_code}")
        return Verdict(OK if exit_code == 0 else "failed")
    # The first line of the deciding kind says it best; later ones repeat it in summary.
    same = [s.line for s in telling if s.kind == last.kind]
    if last.kind == RATE:
        reset = next((r for r in (reset_time(line, now) for line in reversed(same))
                      if r is not None), now + BACKOFF)
        return Verdict(RATE, same[0], reset)
    return Verdict(last.kind, same[0])


_EPOCH = re.compile(r"\|(\d{10})\b")
_IN = re.compile(r"(?:try again|retry|resets?) in (\d+(?:\.\d+)?)\s*(s|sec|m|min|h|hour)",
                 re.IGNORECASE)
_AT = re.compile(r"(?:try again at|resets?(?: at)?|until)\s+(\d{1,2})(?::(\d\d))?(?::(\d\d))?"
                 r"\s*([ap]\.?m\.?)?", re.IGNORECASE)


def reset_time(line: str, now: float) -> float | None:
    """The reset time a usage-limit line names (epoch, "in 30s", "at 11:06 AM"), if any."""
    found = _EPOCH.search(line)
    if found:
        return float(found.group(1))
    found = _IN.search(line)
    if found:
        unit = {"s": 1, "m": 60, "h": 3600}[found.group(2)[0].lower()]
        return now + float(found.group(1)) * unit
    found = _AT.search(line)
    if found and (found.group(2) or found.group(4)):
        hour, minute, second = (int(found.group(i) or 0) for i in (1, 2, 3))
        meridiem = (found.group(4) or "").lower()[:1]
        if meridiem:
            hour = hour % 12 + (12 if meridiem == "p" else 0)
        if hour > 23 or minute > 59 or second > 59:
            return None
        base = datetime.fromtimestamp(now)
        moment = base.replace(hour=hour, minute=minute, second=second, microsecond=0)
        if moment.timestamp() <= now:
            moment += timedelta(days=1)
        return moment.timestamp()
    return None
