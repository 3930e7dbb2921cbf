"""The agent CLIs gitorch runs (claude, codex, aider, gemini, or any command).

`presets` holds each CLI's flags, `prompts` fills the phase prompts, `preflight` checks an
agent can start at all, `process` runs one in its own process group with timeouts and an
idle watchdog, `stream` turns its JSON events into log lines and reads its usage,
`outcomes` tells a usage limit, a missing login or a stuck agent from a plain failure,
`usage` adds up tokens and cost, and `phase` runs one phase's agent for a track.
"""
