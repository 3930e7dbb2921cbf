"""The stack: done tracks found and replayed onto main one after another, in memory."""


from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from gitorch import git
from gitorch.git import objects
from gitorch.land.replay import Conflict, replay_pending, track_commits
from gitorch.names import TrackId
from gitorch.project import Project
from gitorch.roadmap.model import Roadmap, Track
from gitorch.roadmap.reader import parse
from gitorch.roadmap.writeback import mark_done
from gitorch.tracks.elsewhere import settle
from gitorch.tracks.leftout import moved_since, next_step
from gitorch.tracks.records import LEFT_OUT, TrackRecord, done_by_trailer, lock_free
from gitorch.tracks.trust import counts_beyond_others, made_elsewhere, moved_since_recorded


@dataclass
class Candidate:
    """A done track, with what landing it would replay."""

    track: Track
    record: TrackRecord
    base: str
    commits: list[str]


@dataclass
class Stack:
    """Tracks replayed one after another onto main, each with the tip after it."""

    onto: str
    order: list[Candidate] = field(default_factory=list)
    tips: list[str] = field(default_factory=list)
    conflicts: dict[str, list[str]] = field(default_factory=dict)

    @property
    def tip(self) -> str:
        return self.tips[-1] if self.tips else self.onto


def done_candidates(project: Project, roadmap: Roadmap, wanted: Sequence[str],
                    again: Collection[str] = ()) -> tuple[list[Candidate], dict[str, str]]:
    """The done tracks to land, in roadmap order, and why any named one is left out.

    again: tracks an earlier attempt of this landing left out, to try on the newer main.
    """
    skipped: dict[str, str] = {}
    chosen = []
    names = set(wanted)
    branches = git.list_refs(project.paths, "refs/heads/")  # one call for every track's tip
    records = {r.track: r for r in TrackRecord.all(project)}
    beyond: dict[str, int] | None = None
    for track in roadmap.tracks():
        if names and track.id not in names:
            continue
        track_id = TrackId(track.group, track.number)
        record = records.get(track.id)
        if track.done and record is not None and record.state not in ("landed", "in-pr"):
            # Landed by another machine meanwhile: its commits are on main in their form.
            settle(project, record, project.main_branch)
            if names:
                skipped[track.id] = f"landed already ({project.main_branch} marks it done)"
            continue
        # A left-out track whose branch moved since was fixed by a person: try it again.
        moved = record is not None and moved_since(project, record)
        by_hand = (record is not None and record.state not in ("in-pr", "landed")
                   and done_by_trailer(project, track_id, record.branch))
        if record is None or record.state == "in-pr" or (
                record.state != "done" and not moved and track.id not in again
                and not by_hand):
            if names:
                state = record.state if record else roadmap.track_state(track.id)
                skipped[track.id] = f"not done ({state})" + (
                    f"; {next_step(project, record)}" if record and state in LEFT_OUT else "")
            continue
        if record.phase == "message" and not lock_free(project, track_id):
            skipped[track.id] = ("its agent is at work on a message (gitorch send); land it "
                                 "once that ends")
            continue
        tip = branches.get(f"refs/heads/{record.branch}")
        # Land trusts the tip the runner recorded; §12's paths trust the branch a person moved.
        refused = None if moved or by_hand or tip is None else moved_since_recorded(record,
                                                                                   tip)
        if refused is not None:
            skipped[track.id] = refused
            continue
        if tip is None:
            skipped[track.id] = f"branch {record.branch} is gone"
            continue
        # A rebase by hand moved the branch past its recorded base.
        base = (git.merge_base(project.paths, tip, project.main_branch) if moved else None
                ) or record.base or git.merge_base(project.paths, tip, project.main_branch)
        if base is None:
            skipped[track.id] = f"branch {record.branch} shares no history with main"
            continue
        commits = track_commits(project.paths.main_worktree, base, tip)
        if not commits:
            skipped[track.id] = "no commits to land"
            continue
        if beyond is None:  # every done track's count at once, asked only once needed
            beyond = counts_beyond_others(project, list(records.values()))
        # Those counts are of the recorded base and tip: a branch moved by hand is asked alone.
        counted = beyond if (base, tip) == (record.base, record.tip) else None
        elsewhere = made_elsewhere(project, record, base, tip, records.values(), counted)
        if elsewhere is not None:
            skipped[track.id] = elsewhere
            continue
        chosen.append(Candidate(track, record, base, commits))
    for name in names - {t.id for t in roadmap.tracks()}:
        skipped[name] = "no such track"
    return chosen, skipped


def replay_stack(project: Project, onto: str, candidates: Sequence[Candidate]) -> Stack:
    """Replay each candidate in order onto the last; a conflicting one is left out."""
    stack = Stack(onto)
    for candidate in candidates:
        outcome = replay_pending(project.paths.main_worktree, stack.tip, candidate.base,
                                 candidate.commits)
        if isinstance(outcome, Conflict):
            stack.conflicts[candidate.track.id] = list(outcome.paths)
            continue
        stack.order.append(candidate)
        stack.tips.append(outcome.head)
    objects.flush(project.paths.main_worktree)  # the whole stack as one pack
    return stack


def roadmap_commit(project: Project, tip: str, landed: Sequence[str]) -> str:
    """A commit on tip marking the landed tracks (and finished groups) done."""
    name = project.config.roadmap
    repo = project.paths.main_worktree
    data = objects.read_file_at(repo, tip, name)
    if data is None:
        return tip
    text = data.decode("utf-8")
    words = project.config.roadmap_words
    marked = mark_done(text, landed, name, words)
    if marked == text:
        return tip
    parse(marked, name, words)  # never commit a roadmap we could not read back
    message = f"Mark {', '.join(landed)} done in {name}\n\nLanded by gitorch.\n"
    commit = objects.commit_file(repo, tip, name, marked.encode("utf-8"), message,
                                 git.identity(project.paths, "AUTHOR"),
                                 git.identity(project.paths, "COMMITTER"))
    objects.flush(repo)
    return commit
