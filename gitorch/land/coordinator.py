"""Land as a whole: attempts against a moving remote, the gate, and recovery from a crash."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from gitorch import git
from gitorch.disk import write_failed
from gitorch.errors import GitorchError
from gitorch.git import locks, network, objects, worktree_files
from gitorch.land.filesizes import check_sizes
from gitorch.land.gate import Gate, bisect
from gitorch.land.pr_follow import Followed, follow_pull_requests
from gitorch.land.publish import (
    MainWorktree,
    advance_main,
    failpoint,
    finish_tracks,
    journal_path,
    main_checkout,
    main_moved_after_publishing,
    read_journal,
    write_journal,
)
from gitorch.land.pull_request import finish_merged, open_pull_requests
from gitorch.land.review import hold_for_review
from gitorch.land.stack import Candidate, done_candidates, replay_stack, roadmap_commit
from gitorch.names import TrackId, claim_ref
from gitorch.notify.tellers import tell_landing
from gitorch.project import Project
from gitorch.roadmap.beads import close_issues
from gitorch.roadmap.reader import parse
from gitorch.tracks.claims import TrackLock
from gitorch.tracks.leftout import record_left_out
from gitorch.tracks.log import open_track_log
from gitorch.tracks.records import landed_tracks
from gitorch.tracks.remote_claims import claims_refspec, fetched_claims
from gitorch.upstream import MainSync, remote_name, sync_main


@dataclass
class LandResult:
    """What land did (or, with dry_run, would do)."""

    main_old: str
    main_new: str
    dry_run: bool
    landed: list[str] = field(default_factory=list)
    conflict: dict[str, list[str]] = field(default_factory=dict)
    gate_failed: list[str] = field(default_factory=list)
    needs_review: dict[str, list[str]] = field(default_factory=dict)  # track -> paths
    skipped: dict[str, str] = field(default_factory=dict)
    would_land: dict[str, dict[str, Any]] = field(default_factory=dict)
    pushed: bool = False
    gate_runs: int = 0
    attempts: int = 1
    notes: list[str] = field(default_factory=list)
    pull_requests: list[dict[str, Any]] = field(default_factory=list)
    would_test: list[str] | None = None  # dry run: the gate command it would run
    diverged: str | None = None  # published, but main moved meanwhile: what to run
    warnings: list[str] = field(default_factory=list)  # large files that land all the same

    def as_json(self) -> dict[str, Any]:
        return {
            "landed": self.landed, "conflict": self.conflict, "gate_failed": self.gate_failed,
            "needs_review": self.needs_review,
            "skipped": self.skipped, "would_land": self.would_land,
            "main": {"old": self.main_old, "new": self.main_new}, "pushed": self.pushed,
            "dry_run": self.dry_run, "gate_runs": self.gate_runs, "attempts": self.attempts,
            "notes": self.notes, "pull_requests": self.pull_requests,
            "would_test": self.would_test, "diverged": self.diverged,
            "warnings": self.warnings,
        }


@contextmanager
def land_lock(project: Project) -> Iterator[None]:
    """One land at a time per repository; a second names the first's PID."""
    project.state.ensure()
    path = project.state.root / "locks" / "land.lock"
    lock = TrackLock.try_acquire(path)
    if lock is None:
        holder = path.read_text().strip() or "unknown"
        raise GitorchError(f"another gitorch land is running (PID {holder}); wait for it")
    try:
        try:
            os.ftruncate(lock.fd, 0)
            os.pwrite(lock.fd, f"{os.getpid()}\n".encode(), 0)
        except OSError as error:
            raise write_failed(error, path) from error
        yield
    finally:
        lock.release()


def land(project: Project, wanted: Sequence[str], *, dry_run: bool, push: bool, test: bool,
         keep: bool) -> LandResult:
    """Land the named done tracks (default: all), retrying when the remote moves."""
    with land_lock(project):
        stale = [] if dry_run else locks.stale_locks(project.paths.common_dir, worktrees=False)
        if stale:  # every ref update would fail on it: stop before changing anything
            raise GitorchError(locks.describe(stale) +
                               " (nothing landed)")
        notes = [] if dry_run else resume_interrupted(project, keep)
        # One look at each open pull request: what follows it, and whether gh says merged.
        followed = Followed() if dry_run else follow_pull_requests(project)
        merged = [] if dry_run else finish_merged(project, keep, notes, followed.states)
        notes += followed.notes
        # Tracks an attempt left out meet a newer main in the next: they are tried again.
        again: set[str] = set()
        for attempt in range(1, project.config.land.retries + 2):
            result = _attempt(project, wanted, again, dry_run=dry_run, push=push, test=test,
                              keep=keep)
            if result is not None:
                result.attempts, result.notes = attempt, notes + result.notes
                result.landed = merged + result.landed
                if not dry_run:
                    tell_landing(project, result)
                return result
    raise GitorchError(f"{project.main_branch} kept moving (here or on the remote); gave up "
                       f"after {project.config.land.retries + 1} attempts (nothing lost: run "
                       "land again)")


def _attempt(project: Project, wanted: Sequence[str], again: set[str], *, dry_run: bool,
             push: bool, test: bool, keep: bool) -> LandResult | None:
    """One try; None when the push found the remote moved (what it left out goes in again)."""
    failpoint("fetch")
    # Main's worktree is scanned for changes while the fetch and the replay go on.
    moving_main = not dry_run and project.config.land.mode != "pr"
    main_worktree = MainWorktree(project) if moving_main else None
    shared = project.config.claims.remote
    publish = push and project.config.land.push
    sync = sync_main(project, also=(claims_refspec(),) if shared else (), offline=not publish)
    text = git.read_file_at(project.paths, sync.onto, project.config.roadmap)
    if text is None:
        raise GitorchError(f"{project.config.roadmap} is not committed on "
                           f"{project.main_branch}")
    roadmap = parse(text.decode("utf-8"), project.config.roadmap,
                    project.config.roadmap_words)
    candidates, skipped = done_candidates(project, roadmap, wanted, again)
    candidates, held = hold_for_review(project, candidates, record=not dry_run)
    sizes = check_sizes(project, candidates, sync.onto, dry_run=dry_run)
    failpoint("replay")
    stack = replay_stack(project, sync.onto, sizes.passed)
    result = LandResult(sync.local, sync.onto, dry_run, skipped={**skipped, **sizes.refused},
                        conflict=stack.conflicts, needs_review=held, warnings=sizes.warnings)
    if dry_run:
        for candidate in stack.order:
            result.would_land[candidate.track.id] = {
                "commits": len(candidate.commits),
                "files": git.changed_files(project.paths, candidate.base,
                                           candidate.commits[-1])}
        if test and project.config.land.test_command and stack.order:
            result.would_test = list(project.config.land.test_command)
        return result
    _record_conflicts(project, stack.conflicts, sync.onto)
    order, tips = stack.order, stack.tips
    if test and project.config.land.test_command and order:
        failpoint("gate")
        gated = _gate(project, sync, order, result)
        if moving_main:  # what changed in main's worktree while the tests ran
            main_worktree = MainWorktree(project)
        if gated != order:  # culprits left out: the rest stack up differently
            order = gated
            tips = replay_stack(project, sync.onto, order).tips if order else []
    order, tips = _bringing_changes(sync.onto, order, tips, result)
    landed = {c.track.id: tip for c, tip in zip(order, tips, strict=True)}
    if not landed:
        return result
    if project.config.land.mode == "pr":
        return open_pull_requests(project, sync, order, tips, result)
    tip = list(landed.values())[-1]
    # Done in the roadmap only what the new main holds.
    made = set(objects.rev_list(project.paths.main_worktree, [tip, "--not", sync.onto]))
    final = roadmap_commit(project, tip, [t for t, at in landed.items() if at in made
                                          or git.is_ancestor(project.paths, at, tip)])
    worktree = (main_worktree or MainWorktree(project)).check(sync.local, final)
    sources = {c.track.id: c.commits[-1] for c in order}
    write_journal(project, sync, final, landed, sources)
    if sync.remote_name is not None:
        failpoint("push")
        if git.resolve(project.paths, project.main_branch) != sync.local:
            # A commit on main meanwhile: land onto it rather than publish past it.
            journal_path(project).unlink(missing_ok=True)
            again.update([*result.conflict, *result.gate_failed])
            return None
        # The landed tracks' claims go in the same atomic push as main.
        there = fetched_claims(project) if shared else {}
        claim_deletions = [(claim_ref(TrackId.parse(t)), None, there[t].commit)
                           for t in landed if t in there]
        outcome = network.push_atomic(project.paths, sync.remote_name, [
            (f"refs/heads/{project.main_branch}", final, sync.remote), *claim_deletions],
            project.config.remote_timeout)
        if not outcome.ok:
            journal_path(project).unlink(missing_ok=True)
            if outcome.remote_moved:
                again.update([*result.conflict, *result.gate_failed])
                return None
            raise GitorchError(f"push to {sync.remote_name} was rejected: {outcome.message} "
                               "(nothing landed)")
        result.pushed = True
    failpoint("ref-update")
    try:
        checkout: Callable[[], None] | None = advance_main(project, sync.local, final,
                                                           worktree)
    except git.RefMoved:
        if sync.remote_name is None:  # nothing published yet: land onto the new main
            journal_path(project).unlink(missing_ok=True)
            again.update([*result.conflict, *result.gate_failed])
            return None
        # Published all the same: its tracks landed, and main needs a person's rebase.
        result.diverged = main_moved_after_publishing(project, sync.remote_name, final)
        checkout = None
    failpoint("cleanup")
    try:  # while main's checkout goes on; waited for even if tidying fails (a stale lock)
        result.notes += finish_tracks(project, landed, keep, sources)
        if roadmap.form == "beads":  # its export is bd's to write: bd closes the issues
            result.notes += close_issues(project.paths.main_worktree, roadmap, list(landed),
                                         landed_tracks(project))
    finally:
        if checkout is not None:
            checkout()
    journal_path(project).unlink(missing_ok=True)
    result.landed, result.main_new = list(landed), final
    return result


def _bringing_changes(onto: str, order: list[Candidate], tips: list[str], result: LandResult
                      ) -> tuple[list[Candidate], list[str]]:
    """The stack without the tracks whose replay changed nothing (they go in skipped)."""
    kept: list[tuple[Candidate, str]] = []
    before = onto
    for candidate, tip in zip(order, tips, strict=True):
        if tip == before:
            result.skipped[candidate.track.id] = ("its commits are on main already: nothing "
                                                  "to land")
        else:
            kept.append((candidate, tip))
        before = tip
    return [c for c, _ in kept], [t for _, t in kept]


def _gate(project: Project, sync: MainSync, order: list[Candidate],
          result: LandResult) -> list[Candidate]:
    """Test the whole stack; on failure find and drop the culprits by bisection."""
    config = project.config.land
    assert config.test_command is not None
    gate = Gate(project, config.test_command, config.test_timeout)
    by_id = {c.track.id: c for c in order}

    def tips(ids: Sequence[str]) -> list[str]:
        stack = replay_stack(project, sync.onto, [by_id[i] for i in ids])
        # A track that only conflicts once a culprit is gone stays out of this stack.
        result.conflict.update(stack.conflicts)
        _record_conflicts(project, stack.conflicts, sync.onto)
        return stack.tips

    verdict = bisect(list(by_id), tips, gate.test, sync.onto)
    result.gate_runs = len(gate.runs)
    for track_text, output in verdict.failed.items():
        result.gate_failed.append(track_text)
        track = TrackId.parse(track_text)
        record_left_out(project, track, "gate-failed", sync.onto, output=output)
        log = open_track_log(project, track)
        log.banner(f"Test gate failed with Track {track_text}")
        log.line(output)
        log.close()
    return [by_id[i] for i in verdict.passed if i not in result.conflict]


def _record_conflicts(project: Project, conflicts: dict[str, list[str]], onto: str) -> None:
    for track_text, paths in conflicts.items():
        track = TrackId.parse(track_text)
        record_left_out(project, track, "conflict", onto, paths=paths)
        log = open_track_log(project, track)
        log.line(f"Conflict while landing: {', '.join(paths)}")
        log.close()


def resume_interrupted(project: Project, keep: bool) -> list[str]:
    """Finish a landing that was killed after it published, or forget one that did not."""
    journal = read_journal(project)
    if journal is None:
        if not journal_path(project).exists():
            return []
        # Damaged: none of it can be trusted. Nothing is lost with it: main is as before or
        # as after, and the tracks keep their branches until they land.
        journal_path(project).unlink()
        return [f"removed the damaged landing journal {journal_path(project)}"]
    new, local_old = str(journal["new"]), str(journal["local_old"])
    local = git.resolve(project.paths, project.main_branch)
    remote = remote_name(project)
    remote_tip = (network.fetch_branch(project.paths, remote, project.main_branch,
                                       project.config.remote_timeout) if remote else None)
    published = new in (local, remote_tip) or (
        remote_tip is not None and git.is_ancestor(project.paths, new, remote_tip))
    notes = []
    if published:
        if local == local_old:
            advance_main(project, local_old, new, MainWorktree(project).check(local_old, new))()
        elif local == new:
            worktree = main_checkout(project)
            if worktree is not None:
                worktree_files.wait_for_index_lock(worktree)  # its checkout may still run
                if worktree_files.index_matches(worktree, local_old):
                    # Killed between moving main and bringing its worktree along.
                    worktree_files.fast_forward_worktree(worktree, local_old, new)()
        tracks = {str(k): str(v) for k, v in dict(journal["tracks"]).items()}
        sources = {str(k): str(v) for k, v in dict(journal.get("sources", {})).items()}
        notes = finish_tracks(project, tracks, keep, sources)
        notes.insert(0, f"finished an interrupted landing of {', '.join(tracks)}")
    journal_path(project).unlink(missing_ok=True)
    return notes
