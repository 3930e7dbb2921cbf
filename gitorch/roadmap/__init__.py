"""The roadmap: reading the plan (every form gitorch knows) and writing done markers back.

`vocabulary` holds the words and id rules, `lines` reads single lines (headings, list items,
markers) and `labels` the "Depends on:" and "Status:" lines; `reader` scans a file in one
pass and `assemble` checks what it found into the `model` (groups, tracks, dependencies);
`writeback` marks landed tracks done in place, in the file's own style.
"""
