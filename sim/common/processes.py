"""Where this package may start worker processes, and how many cores it may use.

Worker processes (the Monte Carlo batches, :mod:`sim.risk.background`; the second half of a large
CSV roster, :mod:`sim.inputs.roster_split`) are started only where they pay and are welcome: never
inside a daemon process (a multiprocessing or Dask worker process), inside a Dask worker, inside a
Jupyter kernel (the dashboard runs several side by side), where ``fork`` is missing, or while other
Python threads run (a threaded host such as a web server: a child forked then may inherit a lock
another thread held, and wait for ever); the setting ``SIM_PROCESSES=1`` keeps everything in one
process.  Results never depend on it.
"""
from __future__ import annotations

import os
import sys


def usable_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def other_threads() -> bool:
    """Whether Python threads other than this one are running in this process."""
    import threading
    return threading.active_count() > 1


def must_stay_single() -> bool:
    """True where starting processes is impossible or unwelcome (see the module)."""
    import multiprocessing as mp
    if mp.current_process().daemon or "fork" not in mp.get_all_start_methods():
        return True
    if other_threads():                   # a fork could copy a lock one of them holds
        return True
    if "ipykernel" in sys.modules:        # a notebook or dashboard kernel
        return True
    if "distributed" in sys.modules:      # a Dask worker runs tasks in threads of its own process
        try:
            from distributed import get_worker
            get_worker()
            return True
        except Exception:
            pass
    return False


def helper_allowed() -> bool:
    """Whether a short-lived helper process may share this process's work now: two cores or more,
    ``SIM_PROCESSES`` unset, ``auto`` or 2 and more (a value that is not a number starts nothing here;
    the Monte Carlo reports it), and :func:`must_stay_single` false."""
    value = os.environ.get("SIM_PROCESSES", "auto").strip().lower()
    if value not in ("", "auto") and not (value.isdigit() and int(value) >= 2):
        return False
    return usable_cores() >= 2 and not must_stay_single()
