"""Run ``python -m MODULE ARGS`` in this process and print its peak resident memory on stderr.

Run: ``.venv/bin/python bench/peak_memory.py -m sim project params/belu-2023-jht.yaml --years 40``;
the last line on stderr reads ``peak resident memory N MB`` (the whole process: interpreter,
numpy and the command).  Used by ``bench/bench_speed.py``.
"""
from __future__ import annotations

import os
import resource
import runpy
import sys


def main():
    if len(sys.argv) < 3 or sys.argv[1] != "-m":
        sys.exit("usage: peak_memory.py -m MODULE [ARGS ...]")
    module = sys.argv[2]
    sys.argv = [module] + sys.argv[3:]
    sys.path[0] = os.getcwd()          # as `python -m` does: the module of the working directory
    code = 0
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        code = exc.code or 0
    finally:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        sys.stdout.flush()
        print(f"peak resident memory {peak:.0f} MB", file=sys.stderr)
    sys.exit(code)


if __name__ == "__main__":
    main()
