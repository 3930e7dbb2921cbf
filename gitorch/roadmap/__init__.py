"""The roadmap: reading the plan (every form gitorch knows) and writing done markers back.

`vocabulary` holds the words and id rules, `lines` reads single lines (headings, list items,
markers), `labels` the "Depends on:" and "Status:" lines and `tables` Markdown tables; `reader`
scans a Markdown file in one pass, `ordering` adds the order a form implies (Spec Kit's [P],
GSD's waves) and `assemble` checks what it found into the `model` (groups, tracks,
dependencies). `taskmaster` and `beads` read the planners' JSON (`jsonspans` keeps where each
value stands); `finding` looks for the plan; `writeback` marks landed tracks done in place, in
the file's own style.
"""
