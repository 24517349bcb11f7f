"""sim.common.threads: BLAS on one thread in ``python -m sim``, the user's setting kept."""
import os
import subprocess
import sys

import pytest

from sim.common import threads

_PROBE = ("import sys; sys.argv = ['sim', '--help']\n"
          "import runpy, io, contextlib, os\n"
          "with contextlib.redirect_stdout(io.StringIO()):\n"
          "    try:\n"
          "        runpy.run_module('sim', run_name='__main__')\n"
          "    except SystemExit:\n"
          "        pass\n"
          "import numpy\n"
          "print(os.environ.get('OPENBLAS_NUM_THREADS'), len(os.listdir('/proc/self/task')))\n")


def _probe(env):
    out = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True, env=env)
    value, tasks = out.stdout.split()
    return value, int(tasks)


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="needs /proc")
def test_the_command_process_runs_blas_on_one_thread():
    env = {k: v for k, v in os.environ.items() if k not in threads.VARIABLES}
    value, tasks = _probe(env)
    assert value == "1" and tasks == 1          # numpy loaded after: no BLAS thread started
    free = subprocess.run([sys.executable, "-c", "import numpy, os; print(len(os.listdir('/proc/self/task')))"],
                          capture_output=True, text=True, check=True, env=env)
    if (os.cpu_count() or 1) > 1:
        assert int(free.stdout) > 1             # without it numpy's OpenBLAS starts threads (what is avoided)


def test_a_users_setting_is_kept(monkeypatch):
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "2")
    for v in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.delenv(v, raising=False)
    assert threads.one_blas_thread() == {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    assert os.environ["OPENBLAS_NUM_THREADS"] == "2"
    assert threads.one_blas_thread() == {}
