"""The page's buttons: each runs the library function of the command it is named after."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from gitorch.commands.approve import approve
from gitorch.commands.discard import discard
from gitorch.commands.land import land, render_land
from gitorch.commands.release import release
from gitorch.commands.repair import repair
from gitorch.commands.send import send
from gitorch.commands.stop import stop

# An action gets the repository, the tracks the person chose and the text typed for them
# ("" but for the actions of WITH_MESSAGE); it returns the lines the command prints, or
# raises the command's GitorchError.
Action = Callable[[Path, Sequence[str], str], list[str]]


def _land(root: Path, tracks: Sequence[str], _: str) -> list[str]:
    """`gitorch land [ID]...`: the chosen tracks, or every done one when none is chosen."""
    result = land(root, tracks, dry_run=False, push=True, test=True, keep=False)
    return render_land(result, colour=False)


def _each(run: Callable[[Path, str], str]) -> Action:
    """An action that runs a one-track command for every chosen track, in order."""
    return lambda root, tracks, _: [run(root, track) for track in tracks]


def _repair(root: Path, tracks: Sequence[str], _: str) -> list[str]:
    """`gitorch repair ID` for each track: the repair starts; the page shows how it goes."""
    return [line for track in tracks for line in repair(root, track, wait=False)[0]]


# The buttons, in the order the page draws a track's; land alone may name no track. A
# command's action is one more entry here (and its button appears on every track; one of
# WITH_MESSAGE comes with a text box).
ACTIONS: dict[str, Action] = {
    "land": _land,
    "approve": _each(approve),
    "repair": _repair,
    "send": lambda root, tracks, message: [line for track in tracks
                                          for line in send(root, track, message)],
    "stop": lambda root, tracks, _: stop(root, list(tracks), every=False),
    "discard": _each(lambda root, track: discard(root, track, stop_first=False)),
    "release": _each(lambda root, track: release(root, track, stop_first=False)),
}
EMPTY_MEANS_ALL = frozenset({"land"})
WITH_MESSAGE = frozenset({"send"})  # the POST's body carries `message`, the text to send
MAX_MESSAGE = 8000  # characters: a message is an instruction, not a file
