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


def process_setting(setting: str | None = None) -> int | None:
    """The setting ``SIM_PROCESSES`` (or *setting*): None for ``auto`` (the default), else the number
    of processes asked for; anything else is bad input (:class:`InputError`, exit 2)."""
    raw = setting if setting is not None else os.environ.get("SIM_PROCESSES", "auto")
    value = str(raw).strip().lower()
    if value in ("", "auto"):
        return None
    if not value.isdigit() or int(value) < 1:
        from .errors import InputError, Problem
        raise InputError([Problem("SIM_PROCESSES", "", f"expected 'auto' or a whole number of processes (1 or more), "
                                                       f"got {raw!r}")])
    return int(value)


def helper_allowed() -> bool:
    """Whether a short-lived helper process may share this process's work now: two cores or more,
    ``SIM_PROCESSES`` unset, ``auto`` or 2 and more (a value that is not a number starts nothing here;
    the Monte Carlo reports it), and :func:`must_stay_single` false."""
    from .errors import InputError
    try:
        want = process_setting()
    except InputError:
        return False
    if want is not None and want < 2:
        return False
    return usable_cores() >= 2 and not must_stay_single()
