"""The files of a report run: the output folder's checks, the fingerprint of a run's inputs, the
lock that keeps two runs of one report apart, stale temporary folders, and the choice of a name
that never silently replaces a report made from other inputs.

A report is "up to date" when a report of the same name and day exists whose JSON records the same
fingerprint: the SHA-256 of the scenario's input files (and the experience file), the effective
parameters, the package's source and the notebook template.  Changed inputs get the next free
name (``belu-2023-2026-01-31-2``), never the old one, unless ``--force``.
"""
from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import shutil
import time
from pathlib import Path

from ..common.errors import Problem
from ..common.paths import PROJECT

EXTENSIONS = ("ipynb", "html", "pdf", "xlsx", "json")
TMP_PREFIX = ".report-"
STALE_SECONDS = 6 * 3600
MAX_COUNTER = 99


def check_output_folder(out: Path) -> list[Problem]:
    """Problems with ``-o``: a file, a folder that cannot be made or written, a path too long."""
    flag = "-o"
    try:
        if len(os.fsencode(str(out.resolve()))) > 3800:
            return [Problem(flag, str(out)[:60] + "...", "the folder path is too long (at most about 3.800 bytes)")]
        too_long = [part for part in out.parts if len(os.fsencode(part)) > 255]
        if too_long:
            return [Problem(flag, too_long[0][:40] + "...", "a folder name is longer than 255 bytes")]
        if out.exists() and not out.is_dir():
            return [Problem(flag, str(out), "expected a folder for the report, but this is a file")]
        if out.exists() and not os.access(out, os.W_OK | os.X_OK):
            return [Problem(flag, str(out), "the folder is not writable")]
        if not out.exists():
            parent = next((p for p in out.resolve().parents if p.exists()), None)
            if parent is None or not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
                return [Problem(flag, str(out), f"the folder does not exist and cannot be made here ({parent} is not writable)")]
    except OSError as exc:
        return [Problem(flag, str(out)[:80], f"unusable output folder ({exc.strerror or exc})")]
    return []


def source_digest() -> str:
    """SHA-256 over the package's Python source and the report notebook (a code change is a new input)."""
    h = hashlib.sha256()
    for p in sorted((PROJECT / "sim").rglob("*.py")) + [PROJECT / "notebooks" / "report.ipynb"]:
        h.update(p.relative_to(PROJECT).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def fingerprint(inputs: dict, params: dict) -> str:
    """SHA-256 of the input hashes, the effective report parameters and the source."""
    doc = {"inputs": dict(sorted(inputs.items())), "parameters": params, "source": source_digest()}
    return hashlib.sha256(json.dumps(doc, sort_keys=True, ensure_ascii=True).encode()).hexdigest()


def paths_for(out: Path, stem: str) -> dict[str, Path]:
    return {ext: out / f"{stem}.{ext}" for ext in EXTENSIONS}


def recorded_fingerprint(json_path: Path) -> str | None:
    try:
        return json.loads(json_path.read_text(encoding="utf-8")).get("provenance", {}).get("fingerprint")
    except (OSError, ValueError, AttributeError):
        return None


def choose(out: Path, stem: str, fp: str, force: bool) -> tuple[str, dict[str, Path]]:
    """("new", paths of *stem*) with ``force`` (it replaces that report); else ("up-to-date", paths)
    when a complete report of these inputs exists under *stem* or a numbered variant, or ("new",
    paths) of the first free variant."""
    stems = [stem] + [f"{stem}-{k}" for k in range(2, MAX_COUNTER + 1)]
    if force:
        return "new", paths_for(out, stem)
    for s in stems:
        paths = paths_for(out, s)
        if not any(p.exists() for p in paths.values()):
            break
        if all(p.exists() for p in paths.values()) and recorded_fingerprint(paths["json"]) == fp:
            return "up-to-date", paths
    for s in stems:
        paths = paths_for(out, s)
        if not any(p.exists() for p in paths.values()):
            return "new", paths
    raise RuntimeError(f"{MAX_COUNTER} reports named {stem} already exist")


class ReportLock:
    """An exclusive ``flock`` on ``OUT/.STEM.lock``, taken without waiting.  The kernel drops it when
    the process ends, even on SIGKILL, so a lock file left behind never blocks a later run."""

    def __init__(self, out: Path, stem: str):
        self.path = out / f".{stem}.lock"
        self.fd: int | None = None

    def acquire(self) -> str | None:
        """None when taken; else who holds it (a line for the user)."""
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            holder = os.pread(self.fd, 64, 0).decode(errors="ignore").strip() if hasattr(os, "pread") else ""
            os.close(self.fd)
            self.fd = None
            return holder or "another process"
        try:
            same = os.fstat(self.fd).st_ino == os.stat(self.path).st_ino
        except FileNotFoundError:
            same = False
        if not same:   # the file was unlinked by a run that just finished: lock the new one
            os.close(self.fd)
            self.fd = None
            return self.acquire()
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, f"pid {os.getpid()}".encode(), 0)
        return None

    def release(self) -> None:
        if self.fd is not None:
            try:
                self.path.unlink(missing_ok=True)
            finally:
                os.close(self.fd)
                self.fd = None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale(out: Path) -> list[str]:
    """Remove temporary folders of earlier runs that were killed (their process is gone, or they
    are older than :data:`STALE_SECONDS`); return their names."""
    removed = []
    for d in out.glob(TMP_PREFIX + "*"):
        if not d.is_dir():
            continue
        try:
            pid = int((d / "pid").read_text().strip())
        except (OSError, ValueError):
            pid = None
        try:
            old = time.time() - d.stat().st_mtime > STALE_SECONDS
        except OSError:
            continue
        if (pid is not None and not _alive(pid)) or old or (pid is None and time.time() - d.stat().st_mtime > 60):
            shutil.rmtree(d, ignore_errors=True)
            removed.append(d.name)
    return removed
