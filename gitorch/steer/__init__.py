"""Steering a track (DESIGN §15): a person takes its agent's session over on their own
terminal (attach), or sends the agent a message that runs as a phase of its own (send).
Both continue the session the track's agent recorded (gitorch.agents.sessions); the
commands `attach` and `send` are thin verbs over this package.
"""
