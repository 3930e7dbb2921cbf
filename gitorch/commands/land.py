"""`gitorch land`: replay done tracks onto main in memory, gate them, push once."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from gitorch.land.coordinator import LandResult
from gitorch.land.coordinator import land as land_tracks
from gitorch.names import TrackId
from gitorch.output import paint, plural
from gitorch.project import open_project
from gitorch.tracks.leftout import left_out_notes


def land(cwd: Path, track_ids: Sequence[str], *, dry_run: bool, push: bool, test: bool,
         keep: bool, pr: bool = False) -> LandResult:
    """Land the named done tracks (default: all) of the repository around cwd.

    pr: as a pull request, whatever land.mode says.
    """
    wanted = [str(TrackId.parse(text)) for text in track_ids]
    project = open_project(cwd, {"land.mode": "pr"} if pr else None)
    result = land_tracks(project, wanted, dry_run=dry_run, push=push, test=test, keep=keep)
    # Land never starts an agent: it says what would repair the tracks it leaves out.
    result.notes += left_out_notes(project)
    return result


def render_land(result: LandResult, colour: bool) -> list[str]:
    """The land result as lines for a person."""
    lines = []
    if result.dry_run:
        for track, facts in result.would_land.items():
            lines.append(f"would land {track}: {plural(facts['commits'], 'commit')}, "
                         f"{plural(len(facts['files']), 'file')} ({', '.join(facts['files'][:5])})")
    if result.would_test:
        lines.append(f"would run the test gate: {' '.join(result.would_test)} (once on the "
                     "whole stack; on failure, again to find the track)")
    for track in result.landed:
        lines.append(paint(f"✓ {track} landed", "ok", colour))
    for request in result.pull_requests:
        lines.append(paint(f"↑ {', '.join(request['tracks'])} in pull request "
                           f"{request['url'] or request['branch']}", "ok", colour))
    for track, paths in result.conflict.items():
        lines.append(paint(f"✗ {track} conflicts in {', '.join(paths)}", "bad", colour))
    for track, paths in result.needs_review.items():
        what = f"changes protected {', '.join(paths)}" if paths else "is not approved yet"
        lines.append(paint(f"✗ {track} {what}: it waits for gitorch approve {track}", "bad",
                           colour))
    for track in result.gate_failed:
        lines.append(paint(f"✗ {track} failed the test gate (output in its log)", "bad",
                           colour))
    for track, why in result.skipped.items():
        lines.append(f"- {track} skipped: {why}")
    lines += [paint(f"warning: {warning}", "warn", colour) for warning in result.warnings]
    if result.gate_runs:
        lines.append(f"test gate: {plural(result.gate_runs, 'run')}")
    if result.landed:
        where = "pushed" if result.pushed else "not pushed"
        lines.append(f"main {result.main_old[:12]} -> {result.main_new[:12]} ({where})")
    elif not result.would_land and not result.pull_requests:
        lines.append("Nothing to land.")
    if result.diverged:
        lines.append(paint(f"! {result.diverged}", "bad", colour))
    lines += [f"note: {note}" for note in result.notes]
    return lines
