"""Files written whole or not at all: a temporary file beside the target, renamed into place.

A reader never sees half a file, a failure or Ctrl-C leaves the old file as it was and no
temporary file behind, and the new file gets the permissions any new file of the user gets
(``0666`` minus the umask), not the ``0600`` of :func:`tempfile.mkstemp` — a report or a saved
scenario on a shared server stays readable by the colleagues the user's umask allows.
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path


def umask() -> int:
    """The process's umask, read without changing it where Linux shows it (``/proc/self/status``)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def replacing(target):
    """Yield a temporary path beside *target*; when the block ends normally the file there gets
    the permissions of a new file and replaces *target*; when it raises, the file is removed.
    ``OSError`` from creating the temporary file (a folder that is not writable) reaches the caller."""
    target = Path(target)
    fd, tmp = tempfile.mkstemp(prefix="." + target.name + ".", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~umask())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(target, text: str) -> None:
    """Write *text* (UTF-8) to *target* atomically (:func:`replacing`)."""
    with replacing(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
