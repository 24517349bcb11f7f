"""``python -m sim``: see :mod:`sim.cli`."""
import sys

try:
    from .common.threads import one_blas_thread
    one_blas_thread()       # before numpy loads: BLAS on one thread unless the user said otherwise
    from .common.heap import keep_freed_memory
    keep_freed_memory()     # this process is ours: freed arrays stay in the heap (sim.common.heap)
    from .cli import main
    code = main()
except KeyboardInterrupt:   # Ctrl-C while importing, before main() can catch it
    print("dihentikan (Ctrl-C); tidak ada berkas yang ditulis / interrupted (Ctrl-C); nothing was written",
          file=sys.stderr)
    code = 130
# The objects of the run are left to the process's end, not traversed by the interpreter's last
# collections (about 20 ms of a 1 s run; exit handlers and weakref finalizers still run; cyclic
# garbage is not finalized at exit anyway)
import gc  # noqa: E402

gc.freeze()
sys.exit(code)
