"""gitorch: run many coding agents at once, one git worktree per roadmap track."""

__version__ = "0.1.0"
