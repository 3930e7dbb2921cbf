"""The sandbox: what an agent phase or the test gate may touch (DESIGN §14).

It owns the line gitorch draws around code it runs unattended. `probe` finds out once per
process whether bubblewrap works here, and why not; `rules` says, for a track's phase or for
the gate, which paths are writable (the track's worktree, its git dir, the object store,
its own refs, event file and log, the agent CLI's state), which credentials are
hidden and whether the network is on; `jail` turns those rules into a `bwrap` argument
list in front of the command, and into the environment the command gets, with credentials
removed even when no sandbox runs.
"""
