"""Config files read through a cache of their parsed documents, so yaml is imported rarely.

Importing PyYAML costs a command tens of milliseconds, far more than the parse itself. Each
file's parsed document (its values and the line of each key) is kept as JSON, together with
the exact text it was parsed from, and is used again only for that same text: an edit is
seen at once, whatever the clocks say. A document JSON cannot give back exactly
(dates, binary, NaN) is not kept, and neither is an error: a broken file is parsed, and
refused, every time. A cache entry that cannot be read or makes no sense is ignored.
"""

from __future__ import annotations

import contextlib
import json
import math
import zlib
from pathlib import Path

from gitorch import __version__
from gitorch.config.source import Source, YamlFileError
from gitorch.disk import DiskFull
from gitorch.state import read_json, write_atomic


def read_yaml(path: Path, name: str, cache: Path) -> tuple[object, Source]:
    """The file as plain values with its key lines (None when absent or empty).

    name is how messages call the file; cache is the folder of parsed documents.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None, Source(name)
    except OSError as error:
        raise YamlFileError(f"{name}: cannot read it: {error.strerror or error}") from error
    slot = cache / f"{zlib.crc32(str(path).encode()):08x}.json"  # one per config file
    found = _cached(slot, data)
    if found is not None:
        return found[0], Source(name, found[1])
    from gitorch.config.yamlfile import parse_yaml  # imports yaml: only when needed

    value, source = parse_yaml(data, name)
    _store(slot, data, value, source.lines)
    return value, source


def _cached(slot: Path, data: bytes) -> tuple[object, dict[str, int]] | None:
    """The document parsed from exactly data, if slot holds it."""
    entry = read_json(slot)
    if entry is None or entry.get("gitorch") != __version__ or "value" not in entry:
        return None
    lines = entry.get("lines")
    try:
        same = entry.get("text") == data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not same or not isinstance(lines, dict) or not all(
            type(line) is int for line in lines.values()):
        return None
    return entry["value"], lines


def _store(slot: Path, data: bytes, value: object, lines: dict[str, int]) -> None:
    """Keep the document for data, if JSON holds it exactly; a cache that fails is no error."""
    if not _exact(value):
        return
    entry = {"gitorch": __version__, "text": data.decode("utf-8"), "value": value,
             "lines": lines}
    # A full disk costs only the cache too (DiskFull); ValueError: an int too long to print.
    with contextlib.suppress(OSError, DiskFull, ValueError):
        write_atomic(slot, json.dumps(entry, allow_nan=False).encode())


def _exact(value: object) -> bool:
    """Whether JSON gives value back as it is: not so for dates, bytes, NaN and the like."""
    if value is None or type(value) in (str, int, bool):
        return True
    if type(value) is float:
        return math.isfinite(value)
    if type(value) is list:
        return all(_exact(item) for item in value)
    if type(value) is dict:
        return all(type(key) is str and _exact(item) for key, item in value.items())
    return False
