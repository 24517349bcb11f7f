"""BLAS on one thread in the package's own processes (``python -m sim`` and what it starts).

numpy's OpenBLAS starts a thread per core and, after each call, lets them spin waiting for the
next: on two cores shared with a Monte Carlo worker, those spins take the worker's core.  The
products here are small (vectors of cells, a few nodes), where a second thread never pays;
measured on the 10^5-worker roster ``run``: 1,60 -> 1,48 s CPU, 1,09 -> 1,06 s wall.
:func:`one_blas_thread` sets ``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS`` and
``MKL_NUM_THREADS`` to 1 where the user set nothing; it must run before numpy is imported (the
libraries read them when they load), so only ``sim/__main__.py`` calls it, never an import: a
notebook kernel keeps its own threads.  Child processes (report kernels, batch workers) inherit it.
"""
from __future__ import annotations

import os

#: the settings the BLAS libraries numpy may load read at start
VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def one_blas_thread() -> dict[str, str]:
    """Set each of :data:`VARIABLES` to ``"1"`` unless already set; the ones set now."""
    out = {}
    for v in VARIABLES:
        if v not in os.environ:
            os.environ[v] = out[v] = "1"
    return out
