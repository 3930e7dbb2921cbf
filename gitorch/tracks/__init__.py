"""A track's life, from claim to done.

`claims` and `remote_claims` make sure one runner holds a track, `launch` claims ready
tracks (after `preflight` checks their agents) and starts their runners, `runner` readies
the worktree (`worktree_setup`) and runs the phases through `phase_agent` and
`agent_process` with the `presets`' commands and the `prompts`, writing the `log`;
`agent_stream` makes the agents' JSON readable and reads their `usage` and `outcomes`;
`lifeline` stops a runner on a signal or a lost claim and keeps its claim alive,
`records` keeps each track's record and reads its state, `hook` and `events` hear of
commits, `control` ends runners, and `release` and `tidy` drop claims and landed leftovers.
"""
