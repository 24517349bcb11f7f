"""The kernel of a report run, started by the report command itself and handed to papermill.

Issue 10 (the report's start-up): papermill would start the kernel only once it has itself been
imported (about 1 s), and the notebook would then spend another second importing numpy, scipy,
matplotlib and the package.  Here the kernel is started as soon as the run's inputs are checked;
while the command imports papermill, the kernel imports what the notebook will use
(:func:`sim.outputs.report.warm_up`, run as the kernel's ``exec_lines``: no cell, no execution
count, no output).  papermill then executes the notebook in this kernel exactly as in its own.

The kernel talks over IPC sockets (Unix domain sockets in a private folder: the run's temporary
folder when its path is short enough, else a private folder under the system's temporary
directory), not TCP: nothing listens on a network port, and ipykernel no longer warns at every
report that TCP is unencrypted.  At the end the kernel is killed (its process group, so no worker
it started is left), its connection file and sockets removed: the notebook has finished by then,
so a graceful shutdown would only add about half a second of waiting.
"""
from __future__ import annotations

import os
import shutil
import signal
import tempfile
from pathlib import Path

#: longest path of a Unix domain socket (108 bytes with the final NUL on Linux; 104 on macOS)
SOCKET_PATH_MAX = 100
_SOCKET_NAME = "k-ipc-5"          # the longest socket name: connection file "k.json", ports 1-5
WARM_UP = "__import__('sim.outputs.report', fromlist=['warm_up']).warm_up()"


def socket_folder(preferred: Path | None) -> tuple[Path, bool]:
    """A folder for the connection file and sockets, and whether it is a new one of our own
    (removed by :meth:`Kernel.stop`): *preferred* when its socket paths fit, else a private folder
    (mode 0700) under the system's temporary directory or ``/tmp``."""
    def fits(folder) -> bool:
        return len(os.fsencode(os.path.join(os.path.abspath(folder), _SOCKET_NAME))) <= SOCKET_PATH_MAX
    if preferred is not None and fits(preferred):
        return Path(os.path.abspath(preferred)), False
    for base in (tempfile.gettempdir(), "/tmp"):
        if os.path.isdir(base) and len(os.fsencode(os.path.abspath(base))) + 30 <= SOCKET_PATH_MAX:
            return Path(tempfile.mkdtemp(prefix="sim-kernel-", dir=base)), True
    raise RuntimeError("no folder with a path short enough for the kernel's sockets")


class Kernel:
    """A Python kernel for one report run: :meth:`start`, hand :attr:`manager` to papermill
    (``km=``), :meth:`stop` in a ``finally``."""

    def __init__(self, folder: Path | None = None, cwd: Path | None = None):
        self.folder = folder
        self.cwd = cwd
        self.manager = None
        self._own_folder: Path | None = None
        self._clients: list = []

    def start(self) -> "Kernel":
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync
        clients = self._clients

        class Manager(AsyncKernelManager):
            def client(self, **kwargs):      # remembered, so that stop() closes their sockets
                kc = super().client(**kwargs)
                clients.append(kc)
                return kc

        folder, own = socket_folder(self.folder)
        self._own_folder = folder if own else None
        self.manager = Manager(kernel_name="python3", transport="ipc", connection_file=str(folder / "k.json"))
        args = ["--HistoryManager.enabled=False",        # no history database, no saving thread
                f"--IPKernelApp.exec_lines={[WARM_UP]!r}"]
        run_sync(self.manager.start_kernel)(extra_arguments=args, cwd=str(self.cwd or os.getcwd()))
        return self

    def stop(self) -> None:
        """Kill the kernel's process group, close the clients, remove the connection file, the
        sockets and a folder of our own.  Safe to call twice, or after a failed start."""
        from jupyter_core.utils import run_sync
        km, self.manager = self.manager, None
        try:
            if km is not None:
                run_sync(_kill)(km, self._clients)
        finally:
            self._clients.clear()
            if self._own_folder is not None:
                shutil.rmtree(self._own_folder, ignore_errors=True)
                self._own_folder = None


async def _kill(km, clients: list) -> None:
    import asyncio
    try:
        if km.has_kernel and await km.is_alive():
            await km.signal_kernel(signal.SIGKILL)      # the provisioner signals the process group
            for _ in range(500):
                if not await km.is_alive():
                    break
                await asyncio.sleep(0.01)
    finally:
        for kc in clients:
            kc.stop_channels()
        await km.cleanup_resources()
