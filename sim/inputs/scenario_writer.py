"""Writing scenario files (from the explorer's Save button, or with experience-updated assumptions).

A written scenario extends its baseline and holds only what differs; it is validated before it
is moved into place, so a failure leaves nothing behind.  The user's files are safe:

* an existing file is never replaced silently: :func:`check_target` refuses it unless
  ``overwrite=True`` (``validate --overwrite``);
* even with ``overwrite``, the baseline and every file in its ``extends`` chain are refused:
  replacing one would leave a scenario that extends itself;
* the folder must exist (nothing is created behind the user's back); the name must end in
  ``.yaml`` or ``.yml``;
* every problem names the target file the user asked for, never the temporary file.

All problems are found before any work starts (:func:`check_target`), and again at writing time.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from ..common.atomic import replacing
from ..common.errors import InputError, Problem, Problems
from .scenario import SCHEMA, load_scenario


def scenario_name_from(stem: str) -> str:
    """A valid ``scenario.name`` from a file name: other characters (spaces, accents) become '-'."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-.")
    return name or "scenario"


def extends_chain(base_file: Path | str) -> list[Path]:
    """*base_file* and every file it extends, resolved (stops at a missing file or a cycle)."""
    from ..common.yamlio import load_yaml
    out: list[Path] = []
    path = Path(base_file).resolve()
    while path.is_file() and path not in out:
        out.append(path)
        doc = load_yaml(path, Problems())
        parent = doc.get("extends") if isinstance(doc, dict) else None
        if not isinstance(parent, str) or not parent.strip():
            break
        path = (path.parent / parent).resolve()
    return out


def check_target(target: Path | str, base_file: Path | str, overwrite: bool = False,
                 display: str | None = None) -> list[Problem]:
    """Everything that stops *target* being written as a scenario extending *base_file*."""
    target = Path(target)
    name = display or str(target)
    try:
        return _check_target(target, base_file, overwrite, name)
    except OSError as exc:   # a name too long, a path through a file, ...
        return [Problem(name, "", f"tidak bisa ditulis / cannot be written ({exc.strerror or type(exc).__name__})")]


def _check_target(target: Path, base_file, overwrite: bool, name: str) -> list[Problem]:
    out: list[Problem] = []
    if target.is_dir():
        return [Problem(name, "", "ini sebuah folder / this is a folder; expected a file name ending in .yaml")]
    if target.suffix.lower() not in (".yaml", ".yml"):
        out.append(Problem(name, "", "nama berkas harus berakhir .yaml / expected a file name ending in .yaml"))
    parent = target.parent
    if not parent.is_dir():
        out.append(Problem(name, "", f"folder tidak ada: {parent} / the folder does not exist: {parent}; "
                                     "create it first or choose another"))
        return out
    resolved = target.resolve()
    chain = extends_chain(base_file)
    if resolved in chain:
        which = ("skenario dasar itu sendiri / the baseline itself" if resolved == chain[0]
                 else "berkas yang di-extends oleh skenario dasar / a file the baseline extends")
        out.append(Problem(name, "", f"tidak ditimpa: {which}; the new scenario would extend itself. "
                                     "Choose another file name"))
    elif target.exists() and not overwrite:
        out.append(Problem(name, "", "berkas sudah ada, tidak ditimpa / the file already exists and was not "
                                     "replaced; choose another name, or add --overwrite to replace it"))
    elif not os.access(parent, os.W_OK):
        out.append(Problem(name, "", "folder tidak bisa ditulis / the folder is not writable"))
    return out


def scenario_document(base_file: Path, target: Path, name: str, title: dict | None,
                      values: dict[str, object], params: dict[str, object]) -> dict:
    """A scenario document that extends *base_file* with *values* (dotted settings) and *params*
    (parameter overrides), ready to be written beside *target*; it never copies the baseline."""
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
                   title: dict | None = None, header: str = "Saved from the explorer",
                   overwrite: bool = False) -> Path:
    """Write a scenario file that ``python -m sim run`` accepts (validated by reading it back).

    Refuses (:class:`InputError`) what :func:`check_target` refuses.  Written to a hidden
    temporary file beside *target* first and moved into place, so a failure or Ctrl-C leaves
    nothing behind; problems found in the new document name *target*, not the temporary file.
    """
    import yaml
    target = Path(target)
    problems = check_target(target, base_file, overwrite)
    if problems:
        raise InputError(problems)
    doc = scenario_document(Path(base_file), target, name, title, values, params)
    text = f"# {header}; extends its baseline and changes only these values.\n" + \
        yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
    try:
        with replacing(target) as tmp:
            tmp.write_text(text, encoding="utf-8")
            try:
                load_scenario(tmp)          # raises InputError if the document is not a valid scenario
            except InputError as exc:
                shown = {str(tmp), tmp.name}
                from .scenario import _display
                shown.add(_display(tmp))
                raise InputError([Problem(str(target) if p.file in shown else p.file, p.where, p.message)
                                  for p in exc.problems]) from None
            if target.resolve() in extends_chain(base_file):   # checked again just before the rename
                raise InputError(check_target(target, base_file, overwrite))
    except OSError as exc:
        raise InputError([Problem(str(target), "", f"tidak bisa ditulis / cannot be written ({exc.strerror})")])
    return target
