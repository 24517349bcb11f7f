"""How a report run executes its notebook (issue 10): the kernel the report command starts itself
(IPC sockets, killed with its process group at the end, nothing left behind), the parameters
cell read without papermill exactly as papermill reads it, the HTML page made while the last cell
runs and identical to a conversion of the executed notebook, and a command line that prints
nothing but the report's paths, run from any folder."""
import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from sim.outputs import report_kernel as K
from sim.outputs.report import WARM_UP_MODULES
from sim.outputs.report_html import html_text, read_notebook
from sim.outputs.report_runner import NOTEBOOK, _plain_parameters, declared_parameters

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "params" / "belu-2023.yaml"


def _gone(pid: int, seconds: float = 10.0) -> bool:
    """True once *pid* has ended (a zombie counts as ended)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            state = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:
            return True
        if "\nState:\tZ" in state:
            return True
        time.sleep(0.05)
    return False


# --- the parameters cell ----------------------------------------------------------------------

def test_the_parameters_cell_is_read_as_papermill_reads_it():
    import papermill
    assert _plain_parameters(NOTEBOOK) == papermill.inspect_notebook(str(NOTEBOOK))
    assert declared_parameters() == papermill.inspect_notebook(str(NOTEBOOK))


@pytest.mark.parametrize("line", [
    'extra: list = [  # a default over two lines\n    "a"]',
    'plain = 3  # no declared type',
    'odd: str = "a # b"  # a hash inside the value',
])
def test_any_other_parameters_cell_goes_to_papermill(tmp_path, line):
    import papermill
    nb = nbformat.read(str(NOTEBOOK), as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source += "\n" + line
    path = tmp_path / "variant.ipynb"
    nbformat.write(nb, str(path))
    assert _plain_parameters(path) is None
    assert declared_parameters(path) == papermill.inspect_notebook(str(path))


# --- the kernel -------------------------------------------------------------------------------

def test_the_warm_up_names_only_modules_that_exist():
    import importlib.util
    assert [m for m in WARM_UP_MODULES if importlib.util.find_spec(m) is None] == []


def test_socket_folder_is_the_run_folder_when_short_enough_else_a_private_one(tmp_path):
    assert K.socket_folder(tmp_path) == (tmp_path, False)
    deep = tmp_path / ("x" * 120)
    folder, own = K.socket_folder(deep)
    try:
        assert own and folder.is_dir() and (folder.stat().st_mode & 0o777) == 0o700
        assert len(str(folder / K._SOCKET_NAME)) <= K.SOCKET_PATH_MAX
    finally:
        folder.rmdir()


@pytest.mark.parametrize("long_path", [False, True])
def test_the_kernel_talks_over_ipc_and_is_stopped_with_its_children(tmp_path, long_path):
    folder = tmp_path / ("y" * 120) if long_path else tmp_path
    folder.mkdir(exist_ok=True)
    kernel = K.Kernel(folder, ROOT).start()
    km = kernel.manager
    try:
        info = json.loads(Path(km.connection_file).read_text())
        assert info["transport"] == "ipc" and info["ip"].endswith("k-ipc")
        pid = km.provisioner.pid
        kc = km.client()
        outputs = []

        async def spawn():
            kc.start_channels()
            await kc.wait_for_ready(timeout=120)
            code = ("import os, subprocess, sys; p = subprocess.Popen(['sleep', '300']); "
                    "print(p.pid, os.getcwd(), all(m in sys.modules for m in WARM), 'sim' in dir())")
            kc_code = f"WARM = {list(WARM_UP_MODULES)!r}\n" + code
            return await kc.execute_interactive(kc_code, timeout=120, output_hook=lambda m: outputs.append(m))
        from jupyter_core.utils import run_sync
        reply = run_sync(spawn)()
        text = "".join(m["content"].get("text", "") for m in outputs if m["msg_type"] == "stream")
        child, cwd, warmed, bound = text.split()
        assert cwd == str(ROOT)                                  # the notebook runs in the project folder
        # the modules were imported before the first cell, which is still cell 1, in a clean namespace
        assert warmed == "True" and bound == "False" and reply["content"]["execution_count"] == 1
        sockets = [p for p in Path(info["ip"]).parent.iterdir() if p.name.startswith("k-ipc-")]
        assert len(sockets) == 5
    finally:
        kernel.stop()
    assert _gone(pid) and _gone(int(child))                      # the kernel and what it started
    assert not Path(km.connection_file).exists() and not any(Path(info["ip"]).parent.glob("k-ipc-*"))
    assert list(folder.iterdir()) == []
    kernel.stop()                                                # twice is harmless


# --- the HTML page and the command line -------------------------------------------------------

def test_the_page_is_the_executed_notebook_converted(council_report):
    _, paths = council_report
    title = json.loads(paths["json"].read_text())["provenance"]["title"]
    assert html_text(read_notebook(paths["ipynb"]), title, "id") == paths["html"].read_text(encoding="utf-8")


def test_the_command_prints_only_the_paths_from_any_folder(tmp_path):
    """No kernel warning on stderr (IPC, not TCP); a relative -o from outside the project works."""
    r = subprocess.run([sys.executable, "-m", "sim", "report", str(BASE), "-o", "rel", "--quiet",
                        "-p", "monte_carlo_years", "0", "-p", "projection_years", "1"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=300,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert r.returncode == 0 and r.stderr == "", r.stderr
    printed = [Path(line) for line in r.stdout.splitlines()]
    assert sorted(p.suffix for p in printed) == [".html", ".ipynb", ".json", ".pdf", ".xlsx"]
    assert all(not p.is_absolute() and (tmp_path / p).is_file() for p in printed)
    assert sorted(p.name for p in (tmp_path / "rel").iterdir()) == sorted(p.name for p in printed)
