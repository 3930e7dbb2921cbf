"""The demo: a throwaway repository, a bare remote and a simulated agent (`agent`) that
`sandbox` drives through a sample roadmap with the real scheduler."""
