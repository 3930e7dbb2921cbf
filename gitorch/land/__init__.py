"""Landing: done tracks replayed onto main in memory, gated on the tests, published once.

`replay` rewrites one track's commits onto a new base, `stack` replays the done tracks one
after another, `gate` runs the tests and bisects a red stack, `publish` journals, moves
main (compare-and-swap) and tidies up, and `coordinator` ties them into one landing.
"""
