"""Saving the dashboard's scenario: a safe file name from what a person typed, never a shipped
scenario, never replacing a file without being asked, bilingual messages without temp paths.

Rules (each tested):

- the name ``Skenario uji Pak Budi`` becomes the file ``skenario-uji-pak-budi.yaml`` and the
  scenario name ``skenario-uji-pak-budi``; the text as typed is kept as the scenario's title;
- the baseline and every file it extends are refused, and so is any existing file that the
  dashboard did not write (shipped scenarios, parameter files, a person's own files): the
  dashboard only ever replaces a file it saved itself, and only when asked to (``overwrite``);
- the file is validated before it is moved into place (:func:`sim.inputs.scenario_writer.write_scenario`),
  is readable by others like any file the user creates (not 0600), and its text is also offered
  as a download (:func:`scenario_text`).
"""
from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from ..common.errors import InputError
from ..common.paths import relative
from ..inputs.scenario_writer import scenario_document, write_scenario

HEADER = "Saved from the dashboard (disimpan dari dasbor)"
_OURS = ("# Saved from the dashboard", "# Saved from the explorer")
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {f"{p}{i}" for p in ("com", "lpt") for i in range(1, 10)}
MAX_STEM = 60


class SaveError(Exception):
    """A save that did not happen; ``message`` is bilingual and names no temporary file.
    ``kind``: ``name`` (no usable name), ``exists`` (ask before replacing), ``refused``, ``failed``."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message


def safe_stem(text: str) -> str:
    """A file name stem from any text: accents folded (``Désa`` -> ``desa``), every run of other
    characters one ``-``, lower case, at most 60 characters; ``""`` when nothing usable is left.
    Windows device names (``con``, ``nul``, ``com1``) get ``-skenario`` appended."""
    folded = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    stem = re.sub(r"[^A-Za-z0-9]+", "-", folded).strip("-").lower()[:MAX_STEM].strip("-")
    if stem in _WINDOWS_RESERVED:
        stem += "-skenario"
    return stem


def target_for(save_dir: Path | str, name: str) -> Path:
    """Where the scenario named *name* is saved: ``save_dir/<safe stem>.yaml``."""
    stem = safe_stem(name)
    if not stem:
        raise SaveError("name", "Tulis nama skenario dengan huruf atau angka / "
                                "Enter a scenario name with letters or digits")
    return Path(save_dir) / f"{stem}.yaml"


def written_by_dashboard(path: Path) -> bool:
    """True when *path* starts with the header the dashboard (or the older explorer) writes."""
    try:
        with open(path, encoding="utf-8") as fh:
            first = fh.readline()
    except (OSError, UnicodeDecodeError):
        return False
    return first.startswith(_OURS)


def _protected(model) -> set[Path]:
    return {Path(f).resolve() for f in model.base.files} | {model.file.resolve()}


def scenario_text(model, target: Path, name: str, v: dict, title: str | None = None) -> str:
    """The YAML text that saving *v* as *name* at *target* writes (also the download)."""
    import yaml
    values, params = model.changes(v)
    title = title or name
    doc = scenario_document(model.file, target, safe_stem(name), {"id": title, "en": title}, values, params)
    return (f"# {HEADER}; extends its baseline and changes only these values.\n"
            f"# Letakkan di folder {relative(target.parent)}/ / put it in {relative(target.parent)}/\n"
            + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))


def save_scenario(model, target: Path, name: str, v: dict, title: str | None = None,
                  overwrite: bool = False) -> Path:
    """Write *v* as a scenario extending the model's baseline at *target*; see the module rules.
    Raises :class:`SaveError` (nothing written) when a rule says no or writing fails."""
    target = Path(target)
    shown = target.name
    stem = safe_stem(name)
    if not stem:
        raise SaveError("name", "Tulis nama skenario dengan huruf atau angka / "
                                "Enter a scenario name with letters or digits")
    if target.resolve() in _protected(model):
        raise SaveError("refused", f"{shown} adalah skenario dasar atau dipakai olehnya; pilih nama lain / "
                                   f"{shown} is the baseline or a file it builds on; choose another name")
    if target.exists():
        if not written_by_dashboard(target):
            raise SaveError("refused", f"{shown} sudah ada dan bukan simpanan dasbor; pilih nama lain / "
                                       f"{shown} exists and was not saved by the dashboard; choose another name")
        if not overwrite:
            raise SaveError("exists", f"{shown} sudah ada. Timpa? / {shown} already exists. Replace it?")
    values, params = model.changes(v)
    title = title or name
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_scenario(target, model.file, stem, values, params, {"id": title, "en": title}, header=HEADER,
                       **_overwrite_kw(overwrite))
    except InputError as exc:       # not expected: the controls only produce valid values
        what = "; ".join(p.message for p in exc.problems)
        raise SaveError("failed", f"Skenario tidak sah, tidak disimpan / invalid scenario, not saved: {what}") from None
    except OSError as exc:
        raise SaveError("failed", f"Tidak dapat menulis {shown} / could not write {shown}: "
                                  f"{exc.strerror or type(exc).__name__}") from None
    _readable(target)
    return target


def _overwrite_kw(overwrite: bool) -> dict:
    """``overwrite=...`` for a writer that refuses existing files by itself (issue 9); the checks
    above have already asked the person, so a confirmed replacement passes it on."""
    import inspect
    return {"overwrite": overwrite} if "overwrite" in inspect.signature(write_scenario).parameters else {}


def _readable(path: Path) -> None:
    """Give the saved file the permissions of any file the user creates (a temp file is 0600)."""
    if os.name != "posix":
        return
    mask = os.umask(0)
    os.umask(mask)
    try:
        os.chmod(path, 0o666 & ~mask)
    except OSError:
        pass
