"""Reading an agent's lines: verdicts, reset times and usage, on lines the real CLIs printed."""

from __future__ import annotations

from datetime import datetime

import pytest

from gitorch.agents.outcomes import BACKOFF, Patterns, Verdict, classify, reset_time
from gitorch.agents.stream import StreamReader
from gitorch.agents.usage import Usage
from gitorch.config.settings import AgentConfig

NOON = datetime(2026, 12, 2, 12, 0, 0).timestamp()


def read(preset: str | None, lines: list[str], exit_code: int,
         agent: AgentConfig | None = None) -> tuple[Verdict, StreamReader, list[str]]:
    reader = StreamReader(preset, Patterns(preset, agent or AgentConfig(preset or "", None, 60)))
    shown = [text for line in lines for text in reader.feed(line)]
    return classify(preset, exit_code, reader.signals, reader.end_now, NOON), reader, shown


@pytest.mark.parametrize(("line", "reset"), [
    ("Claude AI usage limit reached|1796221638", 1796221638.0),
    ("You've hit your usage limit. Try again at 3:15 PM.",
     datetime(2026, 12, 2, 15, 15).timestamp()),
    ("try again at 11:06 AM", datetime(2026, 12, 3, 11, 6).timestamp()),  # tomorrow
    ("You've hit your session limit · resets 5pm", datetime(2026, 12, 2, 17, 0).timestamp()),
    ("quota gone, retry in 30s", NOON + 30),
    ("rate limited; resets in 2 min", NOON + 120),
    ("You\u2019ve hit your usage limit. Try again later.", None),
])
def test_reset_times_are_read_from_the_clis_words(line: str, reset: float | None) -> None:
    assert reset_time(line, NOON) == reset


def test_a_usage_limit_without_a_reset_backs_off() -> None:
    verdict, _, _ = read("codex", [
        '{"type":"error","message":"You\u2019ve hit your usage limit. Try again later."}',
        '{"type":"turn.failed","error":{"message":"You\u2019ve hit your usage limit. Try again '
        'later."}}'], 1)
    assert verdict.kind == "rate-limited" and verdict.reset_at == NOON + BACKOFF


def test_codex_out_of_quota_is_a_usage_limit() -> None:
    # codex 0.171 against an API answering 429 insufficient_quota.
    verdict, _, _ = read("codex", [
        '{"type":"error","message":"Quota exceeded. Check your plan and billing details."}',
        '{"type":"turn.failed","error":{"message":"Quota exceeded. Check your plan and '
        'billing details."}}'], 1)
    assert verdict.kind == "rate-limited"


def test_claude_rate_limit_retry_then_success_is_a_success() -> None:
    verdict, _, shown = read("claude", [
        '{"type":"system","subtype":"api_retry","attempt":1,"max_retries":3,'
        '"error_status":429,"error":"rate_limit"}',
        '{"type":"result","subtype":"success","is_error":false,"result":"Done.",'
        '"num_turns":2,"total_cost_usd":0.5,"modelUsage":{}}'], 0)
    assert verdict.kind == "ok"
    assert shown == ["claude: API error 429 (rate_limit), retry 1 of 3",
                     "claude: finished: Done. [2 turns, $0.5000]"]


def test_aider_exit_zero_is_read_from_its_last_words() -> None:
    rate = ["litellm.RateLimitError: RateLimitError: OpenAIException - Rate limit reached",
            "The API provider has rate limited you. Try again later or check your quotas."]
    assert read("aider", rate, 0)[0].kind == "rate-limited"
    # A limit it retried past, then a reply: the run worked.
    assert read("aider", [*rate, "Retrying in 0.2 seconds...",
                          "Tokens: 2.5k sent, 8 received. Cost: $0.0064 message."], 0)[0].kind \
        == "ok"


def test_gemini_exit_codes_speak_for_themselves() -> None:
    assert read("gemini", ["Loaded cached credentials."], 41)[0].kind == "auth"
    assert read("gemini", [], 55)[0].kind == "fatal"
    assert read("gemini", [], 1)[0].kind == "failed"


def test_codex_events_become_lines_and_usage() -> None:
    _, reader, shown = read("codex", [
        '{"type":"thread.started","thread_id":"t"}',
        '{"type":"item.completed","item":{"id":"i1","type":"command_execution",'
        '"command":"bash -lc pytest","aggregated_output":"ok","exit_code":0}}',
        '{"type":"item.completed","item":{"id":"i2","type":"file_change","changes":'
        '[{"path":"hello.py","kind":"update"}]}}',
        '{"type":"turn.completed","usage":{"input_tokens":1234,"cached_input_tokens":200,'
        '"output_tokens":56}}',
        '{"type":"turn.completed","usage":{"input_tokens":100,"cached_input_tokens":0,'
        '"output_tokens":4}}',
        "a plain line stays as it is"], 0)
    assert shown == ["$ bash -lc pytest (exit 0)", "update hello.py", "codex: turn completed",
                     "codex: turn completed", "a plain line stays as it is"]
    assert reader.usage == Usage(1334, 60, 200, None)


def test_own_patterns_work_for_a_command_of_ones_own() -> None:
    agent = AgentConfig("claude", ("wrap",), 60, rate_limit_patterns=("out of credit",),
                        auth_patterns=("^login required",))
    assert read(None, ["out of credit until 5pm"], 3, agent)[0] == Verdict(
        "rate-limited", "out of credit until 5pm", datetime(2026, 12, 2, 17).timestamp())
    assert read(None, ["login required"], 3, agent)[0].kind == "auth"
    assert read(None, ["login required"], 0, agent)[0].kind == "ok"  # it exited 0
