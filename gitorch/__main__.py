"""`python -m gitorch`."""

from gitorch.cli import main

main()
