"""Strict YAML reading for parameter and scenario files.

* Duplicate keys are errors (PyYAML silently keeps the last one).
* Dates stay strings (``2023-06-01``), so that dated values are compared as
  ISO dates by :mod:`sim.params` and never turn into ``datetime`` objects.
* Syntax errors become :class:`~sim.errors.Problem` lines with the line number.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from .errors import Problems


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that records duplicate keys and keeps timestamps as text."""


# keep dates as plain strings: drop the implicit timestamp resolver
_StrictLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: _StrictLoader, node, deep=False):
    loader.flatten_mapping(node)
    seen: dict = {}
    mapping = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            hash(key)
        except TypeError:
            loader.problems.add(loader.file, f"line {key_node.start_mark.line + 1}",
                                "a mapping key must be a plain value")
            continue
        if key in seen:
            loader.problems.add(
                loader.file, f"{_path(loader, key)}",
                f"duplicate key (lines {seen[key]} and {key_node.start_mark.line + 1}); "
                "each key may appear once")
        seen[key] = key_node.start_mark.line + 1
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


def _path(loader, key) -> str:
    return str(key)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


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
    loader.problems = problems
    loader.file = name
    try:
        return loader.get_single_data()
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
