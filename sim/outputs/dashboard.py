"""``python -m sim dashboard [--port N] [--no-browser]``: the dashboard in the browser, one command.

Serves ``notebooks/explore.ipynb`` with Voila on 127.0.0.1 only (nothing outside the computer can
reach it, so there is no token to copy: the dashboard is at the root of the printed address),
opens the browser when it is ready, and stops cleanly on Ctrl-C (every kernel shut down).

Kernels (each about 120 MB once the dashboard is computed):

- one *preheated* kernel waits with the dashboard already computed, so a page opens in about a
  second instead of 6-10 s (Voila's ``preheat_kernel``); a new one is heated after each use;
- a kernel whose page was closed is shut down by the page itself (Voila's ``beforeunload``) or
  culled after ``CULL_IDLE`` seconds without activity and without a connection;
- at most ``MAX_KERNELS`` pages at once: one more gets a bilingual "close a tab" message
  instead of another kernel (20 reloads cannot hold 3 GB).
"""
from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

from ..common.paths import PROJECT

NOTEBOOK = PROJECT / "notebooks" / "explore.ipynb"
DEFAULT_PORT = 8866
CULL_IDLE = 180          # seconds an idle kernel without a page is kept
CULL_INTERVAL = 30       # seconds between culls
MAX_KERNELS = 6          # pages served at once (plus the preheated one)
READY_TIMEOUT = 90       # seconds to wait for the preheated kernel before opening the browser anyway


TOO_MANY = ("Terlalu banyak halaman dasbor terbuka: tutup tab lain lalu muat ulang / "
            "Too many dashboard pages open: close another tab and reload")


def limited_kernel_manager():
    """Jupyter's kernel manager with a cap on running kernels (``max_kernels``, configurable).

    A page that would start one more kernel gets HTTP 503 with a bilingual message; refilling the
    preheated pool waits until a kernel has gone instead (shut down by its page, or culled)."""
    import asyncio
    import subprocess

    import tornado.web
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
    from traitlets import Integer

    class LimitedKernelManager(AsyncMappingKernelManager):
        max_kernels = Integer(MAX_KERNELS + 1, config=True, help="kernels running at once, the preheated one included")

        async def start_kernel(self, *args, **kwargs):
            preheat = (kwargs.get("env") or {}).get("VOILA_PREHEAT") == "True"
            if kwargs.get("kernel_id") is None:
                if preheat:
                    while len(self) >= self.max_kernels:
                        await asyncio.sleep(1.0)
                elif len(self) >= self.max_kernels:
                    raise tornado.web.HTTPError(503, reason=TOO_MANY)
            # kernels write nothing on the person's terminal (a kernel stopped while starting would
            # print a traceback there); what goes wrong in a page is reported on the page
            kwargs.setdefault("stdout", subprocess.DEVNULL)
            kwargs.setdefault("stderr", subprocess.DEVNULL)
            return await super().start_kernel(*args, **kwargs)

    return LimitedKernelManager


def voila_config(port: int, pool_size: int = 1, max_kernels: int = MAX_KERNELS):
    """The Voila configuration of the dashboard (also used by the browser tests)."""
    from traitlets.config import Config
    c = Config()
    c.Voila.ip = "127.0.0.1"
    c.Voila.port = port
    c.Voila.port_retries = 0
    c.Voila.open_browser = False               # opened here, once the page is ready
    c.Voila.log_level = "ERROR"                # our own lines say what happens
    c.Voila.tornado_settings = {"ws_ping_timeout": 30000}   # = the ping interval (tornado warns otherwise)
    if os.name == "posix":
        c.KernelManager.transport = "ipc"      # local sockets, not TCP (and no ipykernel warning)
    c.VoilaConfiguration.preheat_kernel = pool_size > 0
    c.VoilaConfiguration.default_pool_size = pool_size
    c.VoilaConfiguration.show_tracebacks = False
    c.VoilaConfiguration.strip_sources = True
    c.VoilaConfiguration.file_allowlist = []    # the page needs no file from the folder
    c.VoilaConfiguration.extension_denylist = ["jupyterlab_pygments", "@voila-dashboards/jupyterlab-preview"]
    c.VoilaConfiguration.multi_kernel_manager_class = limited_kernel_manager()
    c.LimitedKernelManager.max_kernels = max_kernels + pool_size
    c.MappingKernelManager.cull_idle_timeout = CULL_IDLE
    c.MappingKernelManager.cull_interval = CULL_INTERVAL
    c.MappingKernelManager.cull_connected = False
    return c


def port_free(port: int) -> bool:
    import socket
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _say(text: str) -> None:
    print(text, flush=True)


def serve(port: int = DEFAULT_PORT, open_browser: bool = True, save_dir: str | None = None,
          pool_size: int = 1) -> int:
    """Run the dashboard until Ctrl-C (or SIGTERM); returns the exit code."""
    os.environ.setdefault("JUPYTER_PREFER_ENV_PATH", "1")   # the kernel of this Python, where `sim` is
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    if save_dir:
        os.environ["SIM_DASHBOARD_SAVE_DIR"] = str(Path(save_dir).resolve())
    try:
        import tornado.ioloop
        from voila.app import Voila
    except ImportError:
        print("error: Voila tidak terpasang / Voila is not installed: pip install -e \".[notebooks]\"", file=sys.stderr)
        return 2
    if not port_free(port):
        print(f"error: port {port} sedang dipakai / port {port} is in use: "
              f"python -m sim dashboard --port {port + 1}", file=sys.stderr)
        return 2
    import signal
    signal.signal(signal.SIGINT, signal.default_int_handler)   # Ctrl-C stops it, even if started from a script
    app = Voila(config=voila_config(port, pool_size))
    app.initialize([str(NOTEBOOK)])
    url = f"http://127.0.0.1:{port}/"
    loop = tornado.ioloop.IOLoop.current()
    started = time.monotonic()

    def ready() -> bool:
        pools = getattr(app.kernel_manager, "_pools", {})
        for task in [t for pool in pools.values() for t in pool]:
            if not task.done():
                return False
            if task.exception() is None and not task.result()["task"].done():   # the notebook still runs
                return False
        return True

    def announce():
        if not ready() and time.monotonic() - started < READY_TIMEOUT:
            loop.call_later(0.25, announce)
            return
        _say(f"Dasbor siap / Dashboard ready: {url}\n"
             "Tekan Ctrl-C untuk berhenti / Press Ctrl-C to stop.")
        if open_browser:
            import webbrowser
            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()

    _say(f"Menyiapkan dasbor di / Starting the dashboard at {url} ...")
    loop.add_callback(announce)
    wake = tornado.ioloop.PeriodicCallback(lambda: None, 500)   # lets Ctrl-C through on Windows
    loop.add_callback(wake.start)
    try:
        app.start()                  # returns after Ctrl-C or SIGTERM, every kernel shut down
    except KeyboardInterrupt:
        pass
    _say("Dasbor berhenti / Dashboard stopped.")
    return 0
