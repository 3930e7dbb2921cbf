"""Setting a repository up (`install`: gitorch.yaml, state, hook) and checking it (`doctor`)."""
