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
sys.exit(code)
