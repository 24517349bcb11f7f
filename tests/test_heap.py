"""sim.common.heap: the allocator setting of the package's own processes."""
import subprocess
import sys

import pytest

from sim.common import heap


_COMMAND = ("import sys; sys.argv = ['sim', '--help']\n"
            "import runpy, io, contextlib\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    try:\n"
            "        runpy.run_module('sim', run_name='__main__')\n"
            "    except SystemExit:\n"
            "        pass\n"
            "import os, sim.common.heap as h; print(h._SET_IN == os.getpid())\n")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt: Linux only")
def test_the_command_process_sets_it_once():
    out = subprocess.run([sys.executable, "-c", _COMMAND], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"        # python -m sim set it for its own process
    first = heap.keep_freed_memory()
    assert first is True and heap._SET_IN is not None
    pid = heap._SET_IN
    assert heap.keep_freed_memory() is True and heap._SET_IN == pid     # once


def test_a_kernels_monte_carlo_leaves_its_allocator_alone():
    """In a notebook or dashboard kernel the Monte Carlo draws in the kernel's own process: the kernel
    keeps its allocator (only forked workers, the package's own processes, set it)."""
    code = ("import sys; sys.modules['ipykernel'] = object()\n"
            "from sim.inputs.scenario import load_scenario\n"
            "from sim.inputs.build import build_portfolio\n"
            "from sim.risk import claims, montecarlo\n"
            "import sim.common.heap as h\n"
            "scen = load_scenario('params/belu-2023.yaml')\n"
            "m = claims.build(scen, build_portfolio(scen))\n"
            "assert montecarlo.process_count(10 ** 6, 1e3) == 1\n"
            "montecarlo.simulate(m, 2000, 1)\n"
            "print(h._SET_IN is None)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"


def test_command_process_sets_it_and_library_import_does_not():
    code = ("import sim.risk.aggregate, sim.common.heap as h; print(h._SET_IN is None)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"      # importing the package leaves a kernel's allocator alone


def test_elsewhere_nothing_happens(monkeypatch):
    """Not Linux (macOS, Windows: ``ctypes.CDLL(None)`` is refused there): no setting, no error."""
    monkeypatch.setattr(heap, "_SET_IN", None)
    monkeypatch.setattr(heap.sys, "platform", "win32")
    assert heap.keep_freed_memory() is False
    assert heap._SET_IN is None
