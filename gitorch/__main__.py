"""`python -m gitorch`."""

from gitorch.entry import main

main()
