"""Writing scenario files (from the explorer, or with experience-updated assumptions)."""
from __future__ import annotations

from pathlib import Path

from .scenario import SCHEMA, load_scenario


def scenario_document(base_file: Path, target: Path, name: str, title: dict | None,
                      values: dict[str, object], params: dict[str, object]) -> dict:
    """A scenario document that extends *base_file* with *values* (dotted settings) and *params*
    (parameter overrides), ready to be written beside *target*; it never copies the baseline."""
    import os
    doc: dict = {"extends": os.path.relpath(Path(base_file).resolve(), Path(target).resolve().parent)}
    doc["scenario"] = {"name": name}
    if title:
        doc["scenario"]["title"] = dict(title)
    for key, v in values.items():
        if key not in SCHEMA:
            raise KeyError(f"unknown setting {key!r}")
        section, leaf = key.split(".", 1)
        doc.setdefault(section, {})[leaf] = v
    for key, v in params.items():
        section, group, leaf = key.split(".", 2)
        doc.setdefault(section, {}).setdefault(group, {})[leaf] = v
    return doc


def write_scenario(target: Path | str, base_file: Path | str, name: str, values: dict, params: dict,
                   title: dict | None = None, header: str = "Saved from the explorer") -> Path:
    """Write a scenario file that ``python -m sim run`` accepts (validated by reading it back).

    Written to a temporary file first and moved into place, so a failure leaves nothing behind.
    """
    import os
    import tempfile

    import yaml
    target = Path(target)
    doc = scenario_document(Path(base_file), target, name, title, values, params)
    text = f"# {header}; extends its baseline and changes only these values.\n" + \
        yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
    fd, tmp = tempfile.mkstemp(suffix=".yaml", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        load_scenario(tmp)          # raises InputError if the document is not a valid scenario
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
