"""Execute the notebooks, keep only the outputs that nbval checks on purpose, clear the rest.

Run after editing a notebook: ``.venv/bin/python tools/clean_notebooks.py``.  Cells marked
``# NBVAL_CHECK_OUTPUT`` keep their (fresh) outputs and execution count 1 (nbval skips cells
without a count); every other output and execution count is removed, so notebooks are
committed clean.
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


def clean(path: Path, execute: bool = True) -> None:
    nb = nbformat.read(str(path), as_version=4)
    for i, cell in enumerate(nb.cells):      # stable cell ids (nbformat 4.5)
        if not cell.get("id"):
            cell["id"] = f"cell-{i:02d}"
    if execute:
        NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        keep = "NBVAL_CHECK_OUTPUT" in cell.source
        # nbval compares only cells that were run: a checked cell keeps a (fixed) execution count
        cell.execution_count = 1 if keep else None
        cell.outputs = [o for o in cell.outputs if keep]
        for o in cell.outputs:
            if "execution_count" in o:
                o["execution_count"] = cell.execution_count
        cell.metadata.pop("execution", None)
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, str(path))


if __name__ == "__main__":
    paths = [Path(p) for p in sys.argv[1:]] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for p in paths:
        clean(p)
        print("cleaned", p)
