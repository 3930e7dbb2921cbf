"""The roadmap: reading the plan (every form gitorch knows) and writing done markers back.

`lines` reads single lines (headings, list items, markers), `reader` turns a file into the
`model` (groups, tracks, dependencies), and `writeback` marks landed tracks done in place.
"""
