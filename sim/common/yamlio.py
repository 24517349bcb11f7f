"""Strict YAML reading for parameter and scenario files.

* Duplicate keys are errors (PyYAML silently keeps the last one).
* Dates stay strings (``2023-06-01``), so that dated values are compared as
  ISO dates by :mod:`sim.inputs.params` and never turn into ``datetime`` objects.
* Syntax errors become :class:`~sim.common.errors.Problem` lines with the line number.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from .errors import Problems


class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """SafeLoader that keeps timestamps as text (duplicates are found on the node tree); libyaml's
    parser when PyYAML has it (the same documents, about ten times faster to read)."""


# keep dates as plain strings: drop the implicit timestamp resolver
_StrictLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _find_duplicates(node, path: str, file: str, problems: Problems) -> None:
    """Walk the composed YAML tree and report every key that appears twice in one mapping."""
    if isinstance(node, yaml.MappingNode):
        seen: dict = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
            dotted = f"{path}.{key}" if path else str(key)
            line = key_node.start_mark.line + 1
            if key in seen:
                problems.add(file, dotted, f"duplicate key (lines {seen[key]} and {line}); each key may appear once")
            else:
                seen[key] = line
            _find_duplicates(value_node, dotted, file, problems)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _find_duplicates(item, f"{path}[{i}]", file, problems)


def load_yaml(path: Path | str, problems: Problems, display: str | None = None):
    """Read one YAML file strictly; problems are added to *problems*.

    Returns the parsed document (``None`` if the file is missing or unreadable).
    """
    path = Path(path)
    name = display or str(path)
    if not path.is_file():
        problems.add(name, "", "file not found")
        return None
    text = path.read_text(encoding="utf-8-sig")
    return loads_yaml(text, problems, name)


def loads_yaml(text: str, problems: Problems, name: str):
    """Parse YAML text strictly (see :func:`load_yaml`)."""
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _find_duplicates(node, "", name, problems)
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        problems.add(name, where, f"not valid YAML ({getattr(exc, 'problem', exc)})")
        return None
    finally:
        loader.dispose()


def parse_scalar(text: str):
    """Parse a command-line value (``--set key=value``) the way YAML would."""
    problems = Problems()
    value = loads_yaml(text, problems, "--set")
    return text if problems else value
