"""Many branches' commits since their bases, read with one `git log` where it can be."""

from __future__ import annotations

from collections.abc import Mapping

from gitorch.git import RepoPaths, git, log_subjects


def subjects_since(paths: RepoPaths, ranges: Mapping[str, tuple[str, str]]
                   ) -> dict[str, list[str]]:
    """For each key's (base, tip commit), log_subjects(base, tip), newest first.

    One `git log` of every tip, excluding every base, answers a track whose tip reaches its
    base through single parents (the usual track): that chain is exactly base..tip. Any
    other asks git on its own, so that another track's base never hides a commit.
    """
    if not ranges:
        return {}
    tips = sorted({tip for base, tip in ranges.values() if base != tip})
    bases = sorted({base for base, _ in ranges.values()})
    out = git(["log", "--format=%H %P%x09%h %s", *tips, "--not", *bases, "--"], paths.worktree,
              check=False) if tips else None
    seen: dict[str, tuple[list[str], str]] = {}
    if out is not None and out.returncode == 0:
        for line in out.stdout.splitlines():
            ids, _, subject = line.partition("\t")
            commit, *parents = ids.split()
            seen[commit] = (parents, subject)
    found = {}
    for key, (base, tip) in ranges.items():
        chain: list[str] | None = []
        commit = tip
        while chain is not None and commit != base:
            parents, subject = seen.get(commit, ([], ""))
            if len(parents) != 1:
                chain = None  # a merge, a root, or hidden by another base: ask git
            else:
                chain.append(subject)
                commit = parents[0]
        found[key] = chain if chain is not None else log_subjects(paths, base, tip)
    return found
