"""A track's life, from claim to done.

`claims` and `remote_claims` make sure one runner holds a track, `launch` claims ready
tracks and starts their runners, `runner` readies the worktree (`worktree_setup`) and runs
the phases (each through gitorch.agents), writing the `log`; `lifeline` stops a runner on
a signal or a lost claim and keeps its claim alive, `records` keeps each track's record and
reads its state, `hook` and `events` hear of commits (`footprints`: which files each track
touches), `control` ends runners, and `release`, `discard` and `tidy` drop claims and
leftovers. When land leaves a track out, `leftout` remembers why, `repair_start` and
`repair` send it back to its agent, and `wip` keeps every commit and snapshot of its work
under refs/gitorch/track/<group>/<n>/wip.
"""
