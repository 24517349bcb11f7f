"""Strict JSON out: no ``NaN`` or ``Infinity`` ever reaches a file or standard output.

``json.dump`` writes ``NaN`` and ``Infinity`` by default, which strict readers reject; here a
non-finite number is an error (``allow_nan=False``), so the code that produced it must say what
it means instead (``null`` with a reason beside it).  numpy scalars and arrays are converted.
"""
from __future__ import annotations

import json
from pathlib import Path


def _default(obj):
    try:
        import numpy as np
    except ImportError:  # pragma: no cover
        raise TypeError(f"not JSON serializable: {type(obj).__name__}")
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return float(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    raise TypeError(f"not JSON serializable: {type(obj).__name__}")


def dumps(obj, indent: int | None = 2) -> str:
    """*obj* as strict JSON text (UTF-8 characters kept); raises ValueError on NaN or infinity."""
    return json.dumps(obj, ensure_ascii=False, indent=indent, allow_nan=False, default=_default)


def write_json(path, obj, indent: int | None = 2) -> None:
    """Write *obj* as strict JSON to *path* atomically: a temporary file in the same folder is
    renamed into place, so a reader never sees half a file and a failure leaves the old one."""
    from .atomic import write_text
    write_text(Path(path), dumps(obj, indent) + "\n")
