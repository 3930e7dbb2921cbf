"""Telling people and tools what happened (DESIGN §17).

This package owns the events (a track done or failed, left out, needing a login or a
person, landed, a group done, a run ended), the sinks they go to (a command given the event
as JSON on stdin, a webhook, the desktop), and their delivery: each event is written to
`<state>/notify/` and handed to a background process that delivers it with a timeout and
one retry, and logs in `runs.log` a sink that failed. Nothing here can slow or stop a run.
"""
