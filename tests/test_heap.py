"""sim.common.heap: the allocator setting of the package's own processes."""
import subprocess
import sys

from sim.common import heap


def test_set_once_and_reported():
    assert heap.keep_freed_memory() in (True, False)
    first = heap._SET_IN
    assert heap.keep_freed_memory() == (first is not None)
    assert heap._SET_IN == first


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
