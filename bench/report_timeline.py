"""Timeline of one ``python -m sim report`` run (issue 10): wall and CPU stamps in the parent for
its imports, the checks, the kernel's start, each notebook cell, the HTML and the move into place.

    .venv/bin/python bench/report_timeline.py [-o DIR] [-- extra report args]

Stamps are seconds since this process started (wall) and this process's CPU; the kernel's own CPU
is printed at the end (children's CPU after it has exited).  The run is the one the CLI makes
(``sim.cli.main``) with functions wrapped to print when they start and end; nothing else changes.
"""
from __future__ import annotations

import os
import resource
import sys
import tempfile
import time

T0 = time.perf_counter()
KERNEL = {"pid": None}
TICK = os.sysconf("SC_CLK_TCK")


def kernel_cpu() -> str:
    """The kernel's CPU so far (from /proc), once the report command has started it."""
    pid = KERNEL["pid"]
    if pid is None:
        return " " * 16
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return f"  kernel {(int(fields[11]) + int(fields[12])) / TICK:5.2f} s"
    except (OSError, IndexError, ValueError):
        return "  kernel   gone "


def stamp(what: str) -> None:
    print(f"{time.perf_counter() - T0:7.3f} s  cpu {time.process_time():6.3f} s{kernel_cpu()}  {what}",
          file=sys.stderr, flush=True)


def wrap(owner, name: str, label: str) -> None:
    fn = getattr(owner, name)

    def timed(*a, **k):
        stamp(f"{label} ...")
        try:
            return fn(*a, **k)
        finally:
            stamp(f"{label} done")
    setattr(owner, name, timed)


def patch_nbclient() -> None:
    import nbclient.client as NC
    for name, label in (("start_new_kernel", "kernel process start (papermill's own)"),
                        ("start_new_kernel_client", "kernel client, wait for ready"),
                        ("_cleanup_kernel", "kernel shutdown (papermill's own)")):
        wrap(NC.NotebookClient, name, label)
    fn = NC.NotebookClient.execute_cell

    def cell(self, cell, cell_index, *a, **k):
        first = cell.source.splitlines()[0][:60] if cell.source else ""
        stamp(f"cell {cell_index} ... {first}")
        try:
            return fn(self, cell, cell_index, *a, **k)
        finally:
            stamp(f"cell {cell_index} done")
    NC.NotebookClient.execute_cell = cell


def main() -> int:
    args = sys.argv[1:]
    out = None
    if "-o" in args:
        out = args[args.index("-o") + 1]
        args = [a for i, a in enumerate(args) if a != "-o" and (i == 0 or args[i - 1] != "-o")]
    out = out or tempfile.mkdtemp(prefix="report-timeline-")
    stamp("python up")
    from sim import cli
    from sim.outputs import report_runner as RR
    stamp("sim.cli and report_runner imported")
    for name in ("check", "to_html", "_execute"):
        if hasattr(RR, name):
            wrap(RR, name, f"report_runner.{name}")
    try:
        from sim.outputs import report_html
        wrap(report_html.EarlyHtml, "_convert", "HTML of the notebook copy (thread)")
        wrap(report_html.EarlyHtml, "write", "HTML written")
    except ImportError:         # before issue 10's change: the HTML after the notebook
        pass
    try:
        from sim.outputs import report_kernel
        wrap(report_kernel.Kernel, "start", "kernel start (launch)")
        start = report_kernel.Kernel.start

        def remember(self):
            out = start(self)
            KERNEL["pid"] = self.manager.provisioner.pid
            return out
        report_kernel.Kernel.start = remember
        wrap(report_kernel.Kernel, "stop", "kernel stop")
    except ImportError:         # before issue 10's change: papermill starts its own kernel
        pass
    import builtins
    real_import = builtins.__import__
    state = {"patched": False}

    def watch(name, *a, **k):    # the first imports of the heavy packages; nbclient patched once imported
        top = name.split(".")[0]
        if top in ("papermill", "nbconvert") and top not in sys.modules:
            stamp(f"import {top} ...")
            try:
                return real_import(name, *a, **k)
            finally:
                stamp(f"import {top} done")
                if top == "papermill" and not state["patched"]:
                    state["patched"] = True
                    patch_nbclient()
        return real_import(name, *a, **k)
    builtins.__import__ = watch
    code = cli.main(["report", "params/belu-2023.yaml", "-o", out, "--quiet", *args])
    stamp(f"end (exit {code})")
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"children's CPU (the kernel): {ru.ru_utime + ru.ru_stime:.3f} s; load average "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()), file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
