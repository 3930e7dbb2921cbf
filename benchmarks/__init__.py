"""gitorch's benchmark suite: `python -m benchmarks [--quick] [--json FILE]` (see README.md).

Never run by the tests or CI: it takes minutes, and its figures mean something only on a
quiet machine.
"""
