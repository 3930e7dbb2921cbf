"""Scheduling: `gitorch run`'s loop, its read-only decisions, and the scheduler process.

`snapshot` looks at every track once and answers what may start or should land (footprints
and usage limits included), `run_types` holds a run's options and summary, `loop`
keeps the slots full and lands, `daemon` is the one scheduler process per repository
(foreground or detached, its lock and record), and `stopping` ends it and its runners.
"""
