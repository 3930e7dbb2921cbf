"""Many branches' commits and changes since their bases, read with one git process each."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from gitorch.git import RepoPaths, count_commits, git, log_subjects
from gitorch.git.loose import loose_chain
from gitorch.state import COMMIT_ID


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


def commit_events(paths: RepoPaths, base: str, tip: str) -> list[tuple[str, str]]:
    """base..tip oldest first, each as (commit id, the lines the post-commit hook appends
    for it): `<committer time>\t<id>\t<done 0|1>\t<subject>`, then its changed paths.

    The range between two commit ids never changes: the last few are kept, since a runner
    asks after every phase and its branch has mostly not moved since.
    """
    key = (paths.common_dir, base, tip)
    if key in _EVENTS:
        return list(_EVENTS[key])
    events = _commit_events(paths, base, tip)
    if COMMIT_ID.fullmatch(base) and COMMIT_ID.fullmatch(tip):
        _EVENTS[key] = events
        while len(_EVENTS) > KEPT_RANGES:
            del _EVENTS[next(iter(_EVENTS))]
    return list(events)


def count_range(paths: RepoPaths, base: str, tip: str) -> int:
    """How many commits tip has that base does not: from a range commit_events kept, or
    from the loose commits between, else from git."""
    kept = _EVENTS.get((paths.common_dir, base, tip))
    if kept is not None:
        return len(kept)
    chain = loose_chain(paths.common_dir, base, tip)
    return len(chain) if chain is not None else count_commits(paths, base, tip)


_EVENTS: dict[tuple[Path, str, str], list[tuple[str, str]]] = {}
KEPT_RANGES = 4


def _commit_events(paths: RepoPaths, base: str, tip: str) -> list[tuple[str, str]]:
    out = git(["-c", "core.quotePath=false", "log", "--reverse", "--no-show-signature",
               "--no-renames", "--name-only",
               "--format=%x1e%ct%x09%H%x09%(trailers:key=Gitorch-Done,valueonly,"
               "separator=%x2C)%x09%s", f"{base}..{tip}", "--"], paths.worktree).stdout
    events = []
    for chunk in out.split("\x1e")[1:]:
        line, _, names = chunk.partition("\n")
        when, commit, done, subject = line.split("\t", 3)
        done = "1" if done.rsplit(",", 1)[-1].strip().lower() == "true" else "0"
        text = "\n".join([f"{when}\t{commit}\t{done}\t{subject}",
                          *(name for name in names.splitlines() if name)])
        events.append((commit, text + "\n"))
    return events


def commits_beyond(paths: RepoPaths, tips: Mapping[str, tuple[str, Sequence[str]]],
                   common: Sequence[str]) -> dict[str, int]:
    """For each key's (tip, covers), how many commits tip has that neither common nor its
    covers reach; one `git rev-list` for every key.

    The commits not reachable from common form a graph closed under "parent of" (an
    ancestor of a common commit is common too), so walking parents inside it is exact.
    """
    wanted = sorted({c for tip, covers in tips.values() for c in (tip, *covers)})
    if not wanted:
        return {}
    out = git(["rev-list", "--parents", "--ignore-missing", *wanted, "--not", *common, "--"],
              paths.worktree).stdout
    parents = {line.split()[0]: line.split()[1:] for line in out.splitlines()}

    def reach(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            commit = todo.pop()
            if commit in parents and commit not in seen:
                seen.add(commit)
                todo += parents[commit]
        return seen

    counts = {}
    for key, (tip, covers) in tips.items():
        beyond = reach(tip)
        for cover in covers:
            beyond -= reach(cover) if beyond else set()
        counts[key] = len(beyond)
    return counts


def changed_files_of(paths: RepoPaths, ranges: Sequence[tuple[str, str]]) -> list[list[str]]:
    """For each (base, tip), the paths whose content differs between the two (as
    changed_files does), with one `git diff-tree --stdin` for them all."""
    if not ranges:
        return []
    out = git(["diff-tree", "--stdin", "-r", "--name-only", "--no-renames", "-z", "--always"],
              paths.worktree,
              input="".join(f"{tip} {base}\n" for base, tip in ranges)).stdout
    # Each line's answer: its tip (--always: even when nothing differs), then its paths.
    fields = out.split("\0")[:-1]
    found: list[list[str]] = []
    at = 0
    for index, (_, tip) in enumerate(ranges):
        if at >= len(fields) or fields[at] != tip:
            raise ValueError(f"git diff-tree answered {fields[at:at + 1]} for {tip}")
        at += 1
        following = ranges[index + 1][1] if index + 1 < len(ranges) else None
        names = []
        while at < len(fields) and fields[at] != following:
            names.append(fields[at])
            at += 1
        found.append(names)
    return found
