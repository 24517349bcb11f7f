"""A large CSV roster read by two processes: this one reads the first half of the lines while a
forked helper reads the second, and the helper's part is appended as if one pass had read it all
(:meth:`sim.inputs.roster_table.Part.extend`: codes renumbered in first-seen order), so the table,
the values, the codes and the problems are those of one process, whatever ran where.

Reading a roster is the part of ``python -m sim run`` that nothing else can overlap (the claim
model and the Monte Carlo wait for it); on two cores its splitting and coding, about half of it,
runs in about half the time.  The helper is a plain ``os.fork`` child that writes its part, pickled,
into a pipe and exits; it ignores Ctrl-C, this process stops it on any error or interruption, and
if it fails or dies its half is read here (the same result).  It starts only for
:data:`MIN_LINES` lines or more and where :func:`sim.common.processes.helper_allowed` says so (not
in a notebook or dashboard kernel, a Dask worker, with ``SIM_PROCESSES=1``, on one core).  Cell
values cross the pipe in memory between this process and its child only: never a file, never a log.
"""
from __future__ import annotations

import os
import pickle
import signal

from ..common.processes import helper_allowed
from .roster_table import Part, collect_part

#: lines of a CSV from which its second half is read by a helper (measured, the whole roster read of
#: 10^5 lines: 180 -> 163 ms, median of 5 fresh processes; the fork, the pickled part, its merge and
#: this process's copy-on-write page faults cost about 15 ms)
MIN_LINES = 20_000


def collect_in_two(lines, first: int, used, width: int, delim: str, chunk: int = 8192) -> Part:
    """:func:`~sim.inputs.roster_table.collect_part` of *lines*, the second half in a helper process
    where allowed (see the module); the same :class:`~sim.inputs.roster_table.Part` either way."""
    if len(lines) < MIN_LINES or not hasattr(os, "fork") or not helper_allowed():
        return collect_part(lines, first, used, width, delim, chunk)
    mid = len(lines) // 2
    helper = _Helper(lines, mid, first, used, width, delim, chunk)
    try:
        part = collect_part(lines[:mid], first, used, width, delim, chunk)
        other = helper.result()
    except BaseException:           # an error or Ctrl-C here: the helper goes too
        helper.stop()
        raise
    if other is None:               # the helper failed or died: its half is read here
        other = collect_part(lines[mid:], first + mid, used, width, delim, chunk)
    part.extend(other)
    return part


class _Helper:
    """The forked child reading ``lines[mid:]``; :meth:`result` is its :class:`Part` or None."""

    def __init__(self, lines, mid, first, used, width, delim, chunk):
        r, w = os.pipe()
        old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})   # no Ctrl-C before SIG_IGN
        try:
            self.pid = os.fork()
        except OSError:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)
            os.close(r)
            os.close(w)
            self.pid, self.fd = None, None
            return
        if self.pid == 0:                                       # the child: read, write, leave
            code = 1
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                signal.pthread_sigmask(signal.SIG_SETMASK, old)
                os.close(r)
                part = collect_part(lines[mid:], first + mid, used, width, delim, chunk)
                with os.fdopen(w, "wb") as out:
                    out.write(pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL))
                code = 0
            except BaseException:
                pass
            finally:
                os._exit(code)
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
        os.close(w)
        self.fd = r

    def result(self) -> Part | None:
        """The helper's part (waiting for it), or None if it could not start, failed or died."""
        if self.pid is None:
            return None
        try:
            with os.fdopen(self.fd, "rb") as src:
                self.fd = None
                data = src.read()
        finally:
            status = self._reap()
        if status != 0 or not data:
            return None
        try:
            part = pickle.loads(data)
        except Exception:
            return None
        return part if isinstance(part, Part) else None

    def stop(self) -> None:
        """End the helper now (an error or Ctrl-C in this process)."""
        if self.pid is None:
            return
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._reap()

    def _reap(self) -> int:
        pid, self.pid = self.pid, None
        if pid is None:
            return -1
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:
            return -1
        return os.waitstatus_to_exitcode(status)
