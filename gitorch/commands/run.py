"""`gitorch run`: one scheduler per repository, in the foreground or detached."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from gitorch.output import paint, plural
from gitorch.project import Project, open_project
from gitorch.schedule import daemon
from gitorch.schedule.daemon import Detached
from gitorch.schedule.daemon import RunSettings as RunSettings
from gitorch.schedule.run_types import Summary


def _project(cwd: Path, settings: RunSettings) -> Project:
    """The project with the flags applied; config checks the durations and names the flag."""
    return open_project(cwd, {"run.every": settings.every, "run.for": settings.for_,
                              "max_parallel": settings.parallel})


def run(cwd: Path, settings: RunSettings, out: Callable[[str], None],
        lock_fd: int | None = None) -> Summary:
    """Schedule in the foreground in the repository around cwd."""
    return daemon.run(_project(cwd, settings), settings, out, lock_fd)


def detach(cwd: Path, settings: RunSettings) -> Detached:
    """Start the scheduler in the background; its PID and log."""
    return daemon.detach(_project(cwd, settings), settings)


def render_detached(started: Detached) -> list[str]:
    """Where the scheduler went, for a person."""
    return [f"Scheduler running in the background (PID {started.pid})",
            f"  log: {started.log}", "  stop it and its runners: gitorch stop --all"]


def render_summary(summary: Summary, colour: bool) -> list[str]:
    """The end of a run, for a person."""
    # Only what landed counts: a track that failed or still runs sped nothing up.
    spent = sum(summary.track_times.get(t, 0.0) for t in summary.landed)
    lines = ["", paint("Summary", "bold", colour)]
    lines.append(f"  {plural(len(summary.landed), 'track')} landed, "
                 f"{len(summary.failed)} failed, "
                 f"{plural(len(summary.conflicts), 'conflict')}, "
                 + (f"{len(summary.needs_review)} needing review, " if summary.needs_review
                    else "")
                 + f"{plural(summary.pushes, 'push', 'pushes')}")
    timing = f"  wall time {summary.wall:.1f}s"
    if spent and summary.wall:
        timing += f" against {spent:.1f}s for the landed tracks one after another"
        if spent > summary.wall:
            timing += f" ({spent / summary.wall:.1f}x faster)"
    lines.append(timing)
    if summary.usage:
        lines.append(f"  agents spent {summary.usage.text()}")
    for track in summary.failed:
        said = summary.left_out.get(track, f"see gitorch logs {track}")
        lines.append(paint(f"  ✗ {track} failed: {said}", "bad", colour))
    for track in summary.conflicts:
        said = summary.left_out.get(track, "rebase its branch by hand")
        lines.append(paint(f"  ✗ {track} {said}", "bad", colour))
    for track, reason in summary.needs_review.items():
        lines.append(paint(f"  ✗ {track} needs review: {reason}", "bad", colour))
    for track, why in summary.waiting.items():
        lines.append(f"  · {track} waits on {', '.join(why)}")
    if summary.stopped:
        lines.append(f"  stopped: {', '.join(summary.stopped)} (gitorch run resumes them)")
    lines += [f"  ! {error}" for error in summary.errors[-3:]]
    lines.append(f"  {_ending(summary)}")
    return lines


def trouble(summary: Summary) -> str | None:
    """The one-line error for exit code 1, or None."""
    if summary.exit_code == 0:
        return None
    names = [f"{t} {summary.left_out[t]}" if t in summary.left_out else f"{t} failed"
             for t in [*summary.failed, *summary.conflicts]]
    names += [f"{track} needs review: {why}" for track, why in summary.needs_review.items()]
    if not names:
        names = summary.errors[-1:] or [f"{t} waits on {', '.join(why)}"
                                        for t, why in summary.waiting.items()]
    return f"the run left work for a person: {'; '.join(names)} (see gitorch status)"


def _ending(summary: Summary) -> str:
    if summary.reason == "signal":
        if not summary.running:
            return "Stopped scheduling; no runner is running."
        return (f"Stopped scheduling; {plural(len(summary.running), 'runner')} "
                f"{'keeps' if len(summary.running) == 1 else 'keep'} running "
                f"({', '.join(summary.running)}). Stop them with: gitorch stop --all")
    if summary.reason == "done":
        return "The roadmap is done."
    if summary.reason == "time":
        return "Time is up (--for); run gitorch run again to go on."
    return "Nothing more can start: the tracks above need a person."
