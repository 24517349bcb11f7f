"""Strict YAML reading for parameter and scenario files.

* Duplicate keys are errors (PyYAML silently keeps the last one).
* Dates stay strings (``2023-06-01``), so that dated values are compared as
  ISO dates by :mod:`sim.inputs.params` and never turn into ``datetime`` objects.
* Syntax errors become :class:`~sim.common.errors.Problem` lines with the line number.
* Bounded work: a file larger than :data:`MAX_YAML_BYTES`, nesting deeper than
  :data:`MAX_DEPTH` levels, or anchors and aliases that would expand to more than
  :data:`MAX_NODES` values (a "billion laughs" file of 1 KB) are refused before anything walks
  the document; duplicates are found on the composed node graph, each shared node once.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from .errors import Problems


#: largest scenario or parameter file read (bytes); the shipped ones are under 20 KB
MAX_YAML_BYTES = 1_000_000
#: deepest nesting of mappings and lists (the shipped files use 4 levels)
MAX_DEPTH = 32
#: most values a document may hold once its aliases are expanded
MAX_NODES = 100_000


class _Refused(yaml.MarkedYAMLError):
    """A document refused for its shape (too deep, aliases expanding too far)."""


class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """SafeLoader that keeps timestamps as text (duplicates are found on the node tree); libyaml's
    parser when PyYAML has it (the same documents, about ten times faster to read; it refuses
    nesting beyond 1,000 levels itself, and :func:`shape` bounds it to :data:`MAX_DEPTH`)."""


# keep dates as plain strings: drop the implicit timestamp resolver
_StrictLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def shape(node) -> tuple[int, int]:
    """``(values, depth)`` of the document with every alias expanded, found without expanding:
    each distinct node is visited once and its size and depth remembered (linear in the file,
    iterative, so neither a deep file nor an alias bomb costs more than reading it).  A recursive
    alias (an anchor used inside itself) is refused."""
    memo: dict[int, tuple[int, int]] = {}
    active: set[int] = set()
    stack = [(node, False)]
    while stack:
        n, done = stack.pop()
        if id(n) in memo:
            continue
        if isinstance(n, yaml.MappingNode):
            kids = [x for kv in n.value for x in kv]
        elif isinstance(n, yaml.SequenceNode):
            kids = list(n.value)
        else:
            kids = []
        if done:
            active.discard(id(n))
            memo[id(n)] = (1 + sum(memo[id(k)][0] for k in kids),
                           1 + max((memo[id(k)][1] for k in kids), default=0))
            continue
        if id(n) in active:
            raise _Refused(None, None, "alias rekursif / a recursive alias (an anchor used inside itself)",
                           n.start_mark)
        active.add(id(n))
        stack.append((n, True))
        for k in kids:
            if id(k) in active:
                raise _Refused(None, None, "alias rekursif / a recursive alias (an anchor used inside itself)",
                               k.start_mark)
            if id(k) not in memo:
                stack.append((k, False))
    return memo[id(node)]


def expanded_size(node) -> int:
    """Number of nodes of the document with every alias expanded (see :func:`shape`)."""
    return shape(node)[0]


def _find_duplicates(node, path: str, file: str, problems: Problems, seen_nodes: set | None = None) -> None:
    """Walk the composed YAML graph and report every key that appears twice in one mapping;
    a node shared through aliases is checked once."""
    seen_nodes = set() if seen_nodes is None else seen_nodes
    if id(node) in seen_nodes:
        return
    seen_nodes.add(id(node))
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
            _find_duplicates(value_node, dotted, file, problems, seen_nodes)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _find_duplicates(item, f"{path}[{i}]", file, problems, seen_nodes)


def load_yaml(path: Path | str, problems: Problems, display: str | None = None):
    """Read one YAML file strictly; problems are added to *problems*.

    Returns the parsed document (``None`` if the file is missing, unreadable, not UTF-8, too
    large or not valid YAML; each adds one problem).
    """
    from .textfile import read_text
    text = read_text(path, problems, display, MAX_YAML_BYTES)
    if text is None or not text.strip():   # blank (tabs too): an empty document, as YAML would say
        return None
    return loads_yaml(text, problems, display or str(path))


def loads_yaml(text: str, problems: Problems, name: str):
    """Parse YAML text strictly (see :func:`load_yaml`)."""
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        size, depth = shape(node)
        if depth > MAX_DEPTH + 1:       # the scalars at the bottom are not a level of nesting
            problems.add(name, "", f"bersarang {depth - 1} tingkat (batas {MAX_DEPTH}) / nested {depth - 1} levels "
                                   f"deep; expected at most {MAX_DEPTH}")
            return None
        if size > MAX_NODES:
            problems.add(name, "", f"alias YAML mengembang menjadi {size:,} nilai (batas {MAX_NODES:,}) / anchors "
                                   f"and aliases expand to {size:,} values; the bound is {MAX_NODES:,}".replace(",", "."))
            return None
        _find_duplicates(node, "", name, problems)
        return loader.construct_document(node)
    except _Refused as exc:
        problems.add(name, f"line {exc.problem_mark.line + 1}", exc.problem)
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        if "nesting depth" in str(getattr(exc, "problem", "")):      # libyaml stops at 1,000 levels
            problems.add(name, where, f"bersarang terlalu dalam / nested too deeply; expected at most {MAX_DEPTH} levels")
        else:
            problems.add(name, where, f"not valid YAML ({getattr(exc, 'problem', exc)})")
        return None
    except RecursionError:  # cannot happen below MAX_DEPTH; kept so no input gives a traceback
        problems.add(name, "", f"bersarang terlalu dalam / nested too deeply; expected at most {MAX_DEPTH} levels")
        return None
    finally:
        loader.dispose()


def parse_scalar(text: str):
    """Parse a command-line value (``--set key=value``) the way YAML would."""
    problems = Problems()
    value = loads_yaml(text, problems, "--set")
    return text if problems else value
