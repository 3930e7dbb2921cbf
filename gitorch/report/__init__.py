"""`gitorch report`: what a run did, read back from what gitorch already recorded.

`sources` reads runs.log, track logs, records, events and main's reflog; `timeline` puts
them together as bars on lanes with idle gaps, landings and totals; `text` and `html`
render that for a terminal, as one JSON document, or as one self-contained HTML page.
"""
