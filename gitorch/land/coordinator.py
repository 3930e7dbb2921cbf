"""Land as a whole: attempts against a moving remote, the gate, and recovery from a crash."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from gitorch import git
from gitorch.errors import GitorchError
from gitorch.git import network, worktree_files
from gitorch.land.gate import Gate, bisect
from gitorch.land.publish import (
    MainWorktree,
    advance_main,
    failpoint,
    finish_tracks,
    journal_path,
    main_checkout,
    read_journal,
    write_journal,
)
from gitorch.land.pull_request import finish_merged, open_pull_requests
from gitorch.land.review import hold_for_review
from gitorch.land.stack import Candidate, done_candidates, replay_stack, roadmap_commit
from gitorch.names import TrackId, claim_ref
from gitorch.project import Project
from gitorch.roadmap.reader import parse
from gitorch.tracks.claims import TrackLock
from gitorch.tracks.leftout import record_left_out
from gitorch.tracks.log import TrackLog
from gitorch.tracks.remote_claims import claims_refspec, fetched_claims
from gitorch.upstream import NETWORK_TIMEOUT, MainSync, remote_name, sync_main


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

    def as_json(self) -> dict[str, Any]:
        return {
            "landed": self.landed, "conflict": self.conflict, "gate_failed": self.gate_failed,
            "needs_review": self.needs_review,
            "skipped": self.skipped, "would_land": self.would_land,
            "main": {"old": self.main_old, "new": self.main_new}, "pushed": self.pushed,
            "dry_run": self.dry_run, "gate_runs": self.gate_runs, "attempts": self.attempts,
            "notes": self.notes, "pull_requests": self.pull_requests,
            "would_test": self.would_test,
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
        os.ftruncate(lock.fd, 0)
        os.pwrite(lock.fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        lock.release()


def land(project: Project, wanted: Sequence[str], *, dry_run: bool, push: bool, test: bool,
         keep: bool) -> LandResult:
    """Land the named done tracks (default: all), retrying when the remote moves."""
    with land_lock(project):
        notes = [] if dry_run else resume_interrupted(project, keep)
        merged = [] if dry_run else finish_merged(project, keep, notes)
        # Tracks an attempt left out meet a newer main in the next: they are tried again.
        again: set[str] = set()
        for attempt in range(1, project.config.land.retries + 2):
            result = _attempt(project, wanted, again, dry_run=dry_run, push=push, test=test,
                              keep=keep)
            if result is not None:
                result.attempts, result.notes = attempt, notes + result.notes
                result.landed = merged + result.landed
                return result
    raise GitorchError(f"the remote's {project.main_branch} kept moving; gave up after "
                       f"{project.config.land.retries + 1} attempts (nothing lost: run land "
                       "again)")


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
    failpoint("replay")
    stack = replay_stack(project, sync.onto, candidates)
    result = LandResult(sync.local, sync.onto, dry_run, skipped=skipped,
                        conflict=stack.conflicts, needs_review=held)
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
    landed = {c.track.id: tip for c, tip in zip(order, tips, strict=True)}
    if not landed:
        return result
    if project.config.land.mode == "pr":
        return open_pull_requests(project, sync, order, tips, result)
    tip = list(landed.values())[-1]
    final = roadmap_commit(project, tip, list(landed))
    worktree = (main_worktree or MainWorktree(project)).check(sync.local, final)
    write_journal(project, sync, final, landed)
    if sync.remote_name is not None:
        failpoint("push")
        # The landed tracks' claims go in the same atomic push as main.
        there = fetched_claims(project) if shared else {}
        claim_deletions = [(claim_ref(TrackId.parse(t)), None, there[t].commit)
                           for t in landed if t in there]
        outcome = network.push_atomic(project.paths, sync.remote_name, [
            (f"refs/heads/{project.main_branch}", final, sync.remote), *claim_deletions],
            NETWORK_TIMEOUT)
        if not outcome.ok:
            journal_path(project).unlink(missing_ok=True)
            if outcome.remote_moved:
                again.update([*result.conflict, *result.gate_failed])
                return None
            raise GitorchError(f"push to {sync.remote_name} was rejected: {outcome.message} "
                               "(nothing landed)")
        result.pushed = True
    failpoint("ref-update")
    checkout = advance_main(project, sync.local, final, worktree)
    failpoint("cleanup")
    result.notes += finish_tracks(project, landed, keep)  # while main's checkout goes on
    checkout()
    journal_path(project).unlink(missing_ok=True)
    result.landed, result.main_new = list(landed), final
    return result


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
        log = TrackLog(project.state.log(track), track)
        log.banner(f"Test gate failed with Track {track_text}")
        log.line(output)
        log.close()
    return [by_id[i] for i in verdict.passed if i not in result.conflict]


def _record_conflicts(project: Project, conflicts: dict[str, list[str]], onto: str) -> None:
    for track_text, paths in conflicts.items():
        track = TrackId.parse(track_text)
        record_left_out(project, track, "conflict", onto, paths=paths)
        log = TrackLog(project.state.log(track), track)
        log.line(f"Conflict while landing: {', '.join(paths)}")
        log.close()


def resume_interrupted(project: Project, keep: bool) -> list[str]:
    """Finish a landing that was killed after it published, or forget one that did not."""
    journal = read_journal(project)
    if journal is None:
        return []
    new, local_old = str(journal["new"]), str(journal["local_old"])
    local = git.resolve(project.paths, project.main_branch)
    remote = remote_name(project)
    remote_tip = (network.fetch_branch(project.paths, remote, project.main_branch, NETWORK_TIMEOUT)
                  if remote else None)
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
        notes = finish_tracks(project, tracks, keep)
        notes.insert(0, f"finished an interrupted landing of {', '.join(tracks)}")
    journal_path(project).unlink(missing_ok=True)
    return notes
