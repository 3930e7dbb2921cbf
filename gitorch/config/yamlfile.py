"""YAML parsed into plain values, keeping the line of every key for error messages."""

from __future__ import annotations

import re

import yaml

from gitorch.config.source import Source, YamlFileError

MAX_DEPTH = 8
# PyYAML builds nodes recursively: far deeper nesting would overflow Python's stack.
_MAX_PARSE_DEPTH = 64
# Aliases may repeat a subtree many times over ("billion laughs"): count what is read.
MAX_VALUES = 10_000


def parse_yaml(data: bytes, name: str) -> tuple[object, Source]:
    """A file's bytes as dicts, lists and scalars (None when empty), with its key lines.

    name is how messages call the file. Duplicate keys, non-scalar keys and nesting
    deeper than MAX_DEPTH are errors, as are more than MAX_VALUES keys and items (counting
    each use of an alias) and bytes that are not UTF-8.
    """
    source = Source(name)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as bad:
        line = data[: bad.start].count(b"\n") + 1
        raise YamlFileError(f"{name}:{line}: not valid UTF-8; save the file as UTF-8") from None
    try:
        _check_depth(text, source)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        if root is None:
            return None, source
        source.lines[""] = root.start_mark.line + 1
        return _plain(root, "", source, yaml.constructor.SafeConstructor()), source
    except yaml.MarkedYAMLError as bad:
        mark = bad.problem_mark
        if bad.context_mark is not None and (mark is None or mark.index >= len(text.rstrip())):
            mark = bad.context_mark  # an unclosed bracket: point at where it opened
        problem = ", ".join(part for part in (bad.context, bad.problem) if part)
        raise source.error("", "invalid YAML: " + " ".join(problem.split()),
                           mark.line + 1 if mark else None) from None
    except yaml.reader.ReaderError as bad:
        line = text[: bad.position].count("\n") + 1
        raise source.error("", f"invalid YAML: character #x{bad.character:04X} is not allowed",
                           line) from None


def _check_depth(text: str, source: Source) -> None:
    """Refuse nesting deep enough to overflow the stack, before anything recurses into it."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > _MAX_PARSE_DEPTH:
                mark = event.start_mark
                raise source.error("", "nested too deeply", mark.line + 1 if mark else None)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _plain(node: yaml.Node, path: str, source: Source,
           constructor: yaml.constructor.SafeConstructor, depth: int = 0) -> object:
    """Node as dicts, lists and scalars, noting each key's line and refusing duplicate keys."""
    if depth > MAX_DEPTH:  # deeper than any schema needs; also stops recursive aliases
        raise source.error(path, "nested too deeply")
    if len(source.lines) > MAX_VALUES:
        top = re.split(r"[.\[]", path, maxsplit=1)[0]
        raise source.error(top, f"more than {MAX_VALUES} values (an alias used too often?)")
    if isinstance(node, yaml.MappingNode):
        result: dict[str, object] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise source.error(path, "expected plain names as keys", line)
            sub = f"{path}.{key_node.value}" if path else str(key_node.value)
            if key_node.value in result:
                raise source.error(sub, f"duplicate key (first at line {source.lines[sub]})",
                                   line)
            source.lines[sub] = line
            result[key_node.value] = _plain(value_node, sub, source, constructor, depth + 1)
        return result
    if isinstance(node, yaml.SequenceNode):
        items: list[object] = []
        for index, item in enumerate(node.value):
            sub = f"{path}[{index}]"
            source.lines[sub] = item.start_mark.line + 1
            items.append(_plain(item, sub, source, constructor, depth + 1))
        return items
    return constructor.construct_object(node, deep=True)
