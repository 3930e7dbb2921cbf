"""One module per command; each returns data for cli.py to print."""
