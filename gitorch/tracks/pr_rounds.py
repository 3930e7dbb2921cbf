"""The repair rounds of a track's pull request, kept in its record (DESIGN §19).

A round is one answer to the pull request: a `fix` phase for checks that failed at a head
gitorch pushed, or an `address` phase for a review that requested changes. Its key (the
head, or the review) is answered once its commits are pushed; its comment is posted once.
Each step is saved before the next begins, so a runner killed between the push and the
comment finishes the round without pushing or commenting twice.
"""

from __future__ import annotations

from typing import Any

from gitorch.tracks.records import TrackRecord, now

# due: waits for its runner; running: the agent at work; pushing: its heads computed and
# about to go out; pushed: out (answered); failed: ended without a push.
OPEN_STATES = ("due", "running", "pushing")
_TEXTS = ("url", "kind", "key", "what", "material", "state")


def rounds(record: TrackRecord) -> list[dict[str, Any]]:
    """The record's rounds that are whole; one damaged by hand is passed over."""
    return [r for r in record.pr_rounds if isinstance(r, dict)
            and all(isinstance(r.get(k), str) for k in _TEXTS)
            and isinstance(r.get("round"), int) and isinstance(r.get("heads"), dict)
            and isinstance(r.get("commits"), list)]


def rounds_of(record: TrackRecord, url: str) -> list[dict[str, Any]]:
    """The rounds spent on this pull request, oldest first."""
    return [r for r in rounds(record) if r["url"] == url]


def open_round(record: TrackRecord) -> dict[str, Any] | None:
    """The round under way or waiting for its runner, if any."""
    return next((r for r in rounds(record) if r["state"] in OPEN_STATES), None)


def answered(record: TrackRecord, url: str, key: str) -> bool:
    """Whether a round already answered (or is answering) this failure or review."""
    return any(r.get("key") == key and r.get("state") != "failed"
               for r in rounds_of(record, url))


def add_round(record: TrackRecord, url: str, kind: str, key: str, what: str,
              material: str) -> dict[str, Any]:
    """A new round, due; the caller saves the record."""
    spent = rounds_of(record, url)
    added = {"round": len(spent) + 1, "url": url, "kind": kind, "key": key, "what": what,
             "material": material, "state": "due", "heads": {}, "commits": [],
             "commented": False, "why": None, "at": now()}
    record.pr_rounds.append(added)
    return added


def unsaid(record: TrackRecord) -> list[dict[str, Any]]:
    """Pushed rounds whose comment is not known to be posted yet."""
    return [r for r in rounds(record) if r["state"] == "pushed" and not r.get("commented")]


def marker(track: str, url: str, number: int) -> str:
    """The hidden line that tells this round's comment apart from any other."""
    return f"<!-- gitorch round {number} of {track} in {url} -->"


def comment_text(record: TrackRecord, made: dict[str, Any], attempts: int) -> str:
    """What gitorch says on the pull request once a round's commits are pushed."""
    lines = [f"gitorch, round {made['round']} of {attempts} for track {record.track}: "
             f"{made['what']}; sent it to the agent ({record.agent or 'agent'}) as a "
             f"`{made['kind']}` phase. Its commits:", ""]
    lines += [f"- {subject}" for subject in made.get("commits") or []]
    heads = made.get("heads") or {}
    lines += ["", "Pushed " + ", ".join(f"`{branch}` to {head[:12]}"
                                        for branch, head in heads.items()) + ".", "",
              marker(record.track, made["url"], made["round"])]
    return "\n".join(lines) + "\n"
