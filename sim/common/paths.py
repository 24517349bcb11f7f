"""Where the project's files are: the project root and its ``params/`` folder.

Every layer may need these (parameter files, the report notebook, project-relative paths in
provenance), so they live at the bottom; importing this module costs nothing.
"""
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
PARAMS_DIR = PROJECT / "params"


def relative(path) -> str:
    """*path* relative to the project root when it lies inside it, else its file name only
    (so reports and logs never show a server's absolute folder layout)."""
    p = Path(path).resolve()
    try:
        return p.relative_to(PROJECT).as_posix()
    except ValueError:
        return p.name
