"""A track's life, from claim to done.

`claims` and `remote_claims` make sure one runner holds a track, `launch` claims ready
tracks and starts their runners, `runner` runs the phases in the worktree through
`agent_process` with the `presets`' commands and the `prompts`, writing the `log`;
`records` keeps each track's record and reads its state, `hook` and `events` hear of
commits, `control` ends runners, and `release` and `tidy` drop claims and landed leftovers.
"""
