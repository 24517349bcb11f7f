"""Independent batches of work in forked worker processes, beside this process and with it.

:class:`Batches` runs ``work(i)`` for ``i = 0 .. n-1``; batch ``i`` returns ``rows`` float arrays of
length ``stop[i] - start[i]``, written into columns ``start[i]:stop[i]`` of one shared
``rows x columns`` array (anonymous shared memory, so nothing is pickled either way and the
result is as large as the result, whatever the number of processes).  Workers are forked when the
object is made and take batches in order from a shared counter; when this process asks for the
result (:meth:`Batches.result`) it takes the batches not started yet itself, waits for the batches
in flight, and runs again any batch a worker did not finish (a worker that died, or raised: the
error then comes back here, from the batch run here).  So the result depends only on ``work``, not
on which process ran which batch, and the wall time of "other work, then the result" approaches
``max(other work, batches / processes)`` instead of the sum.

Lifecycle: the workers are daemon processes that ignore Ctrl-C (the terminal's SIGINT reaches the
whole process group; this process turns it into its one-line exit) and stop on their own when this
process is gone.  :meth:`Batches.cancel` stops them; it runs when the result fails or is
interrupted, when the object is garbage collected, and at exit (``weakref.finalize``), so an error
raised after the start leaves no process behind.  Linux/macOS with ``fork`` only; the caller decides
where processes are allowed (:func:`sim.risk.montecarlo.process_count`).
"""
from __future__ import annotations

import mmap
import os
import signal
import weakref
from typing import Callable, Sequence

import numpy as np


class Batches:
    """``work(i)`` for every batch, *workers* forked processes started now (see the module)."""

    def __init__(self, work: Callable[[int], Sequence[np.ndarray]], start: Sequence[int], stop: Sequence[int],
                 rows: int, workers: int):
        import multiprocessing as mp
        ctx = mp.get_context("fork")
        n, columns = len(start), max(stop, default=0)
        self._mem = mmap.mmap(-1, max(1, 8 * rows * columns + n))        # shared with the forked workers
        out = np.frombuffer(self._mem, dtype=np.float64, count=rows * columns).reshape(rows, columns)
        done = np.frombuffer(self._mem, dtype=np.uint8, count=n, offset=8 * rows * columns)
        self._job = _Job(work, list(start), list(stop), out, done, ctx.Value("q", 0))
        self._result: np.ndarray | None = None
        self._procs: list = []
        self._cancel = weakref.finalize(self, _stop_all, self._procs)   # on garbage collection and at exit
        parent = os.getpid()
        old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})  # no Ctrl-C between fork and SIG_IGN
        try:
            for _ in range(max(0, int(workers))):
                p = ctx.Process(target=_serve, args=(self._job, parent, old), daemon=True, name="sim-batches")
                p.start()
                self._procs.append(p)
        except BaseException:
            self.cancel()
            raise
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)

    @property
    def pids(self) -> list[int]:
        """Process ids of the workers still attached (none once the result is in or after :meth:`cancel`)."""
        return [p.pid for p in self._procs]

    def result(self) -> np.ndarray:
        """The ``rows x columns`` array of every batch, this process helping with what is left."""
        if self._result is None:
            job = self._job
            try:
                while self._procs and (i := job.take(self._procs)) is not None:
                    job.run(i)
                self._wait()
                for i in np.flatnonzero(job.done == 0):       # not started, or a worker died or raised
                    job.run(int(i))
            except BaseException:      # Ctrl-C or an error: stop the workers now
                self.cancel()
                raise
            self._cancel()             # every worker has ended: reap them, no finalizer left
            self._result = job.out
        return self._result

    def _wait(self) -> None:
        """Until every worker has ended; if one was killed (it may hold the lock), stop the others."""
        while alive := [p for p in self._procs if p.is_alive()]:
            if any(p.exitcode not in (None, 0) for p in self._procs):
                self._cancel()
                return
            alive[0].join(timeout=0.5)

    def cancel(self) -> None:
        """Stop the workers now; :meth:`result` would still run what is left, here."""
        self._cancel()


class _Job:
    """What the workers share: the batches, the output, a done flag per batch, the next batch."""

    def __init__(self, work, start, stop, out, done, counter):
        self.work, self.start, self.stop, self.out, self.done, self.counter = work, start, stop, out, done, counter

    def take(self, procs=None) -> int | None:
        """The next batch not taken yet (None when none is left).  In the parent (*procs* given), a
        lock held too long by a worker that was killed gives None: the parent runs the rest."""
        lock = self.counter.get_lock()
        while not lock.acquire(timeout=0.5):
            if procs is not None and any(p.exitcode not in (None, 0) for p in procs):
                return None
        try:
            i = self.counter.value
            if i >= len(self.start):
                return None
            self.counter.value = i + 1
            return i
        finally:
            lock.release()

    def run(self, i: int) -> None:
        a, b = self.start[i], self.stop[i]
        for r, x in enumerate(self.work(i)):
            self.out[r, a:b] = x
        self.done[i] = 1


def _serve(job: _Job, parent: int, mask) -> None:
    """A worker: batches until none is left or its parent is gone; quiet on errors (the parent runs
    an unfinished batch again and meets the error itself)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    from ..common.heap import keep_freed_memory
    keep_freed_memory()     # a worker is this package's own process: batch temporaries reused (sim.common.heap)
    try:
        while os.getppid() == parent and (i := job.take()) is not None:
            job.run(i)
    except BaseException:
        pass


def _stop_all(procs: list) -> None:
    """Terminate and reap *procs* (a list emptied in place)."""
    for p in procs:
        if p.is_alive():
            p.terminate()
    for p in procs:
        p.join(timeout=5)
        if p.is_alive():
            p.kill()
            p.join()
    procs.clear()
