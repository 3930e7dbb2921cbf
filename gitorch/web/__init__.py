"""`gitorch serve`: a live page of a run on 127.0.0.1, with buttons for the commands.

This package owns the page and its small HTTP server (the standard library's: one person's
browser on the same machine needs no framework). `gitorch serve` alone imports it. What it
shows comes from the collectors `status --json` and `report --json` use; each button is a
POST that runs the library function of the command it is named after, answered with that
command's lines or its one-line error. Every request carries the token the command printed.
"""
