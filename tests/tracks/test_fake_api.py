"""The loopback fake model API of the opt-in real-CLI tests answers as the real APIs do."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from fake_api import Act, Served, fake_api, read

TOOLS = [{"name": "Bash", "input_schema": {"type": "object", "properties": {
    "command": {"type": "string"}}, "required": ["command"]}}]
EARLIER = [{"role": "user", "content": "Track A/1: write it."},
           {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1",
                                              "name": "Bash", "input": {"command": "true"}}]},
           {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1",
                                         "content": ""}]},
           {"role": "assistant", "content": [{"type": "text", "text": "Done (mock)."}]}]


def post(url: str, body: dict[str, object]) -> dict[str, Any]:
    request = urllib.request.Request(f"{url}/v1/messages", json.dumps(body).encode(),
                                     {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        found: dict[str, Any] = json.load(answer)
    return found


def test_a_continued_session_with_a_new_prompt_is_the_models_turn() -> None:
    # A repair continues the track's session: its history holds a tool's result.
    resumed = read({"messages": [*EARLIER, {"role": "user", "content": "Resolve A/1."}]})
    assert not resumed.answered
    assert read({"messages": EARLIER[:3]}).answered


def test_each_answer_has_ids_of_its_own_and_is_listed() -> None:
    served: list[Served] = []
    body = {"model": "claude-mock", "messages": EARLIER[:1], "tools": TOOLS}
    with fake_api(plan=lambda _opening: Act({"a.txt": "a\n"}), served=served) as url:
        first, second = post(url, body), post(url, body)
    assert first["id"] != second["id"]
    blocks = [message["content"][0] for message in (first, second)]
    assert blocks[0]["id"] != blocks[1]["id"] and blocks[0]["type"] == "tool_use"
    assert [call.model for call in served] == ["claude-mock", "claude-mock"]
