"""The explorer served by Voila, driven in a real headless Chromium (Debian's package).

Skipped, with the reason in pytest's summary, when Chromium, Playwright or Voila is missing.
Every request that would leave the machine is blocked.  Voila leaks a kernel per page load
(voila issue #1458): idle kernels are culled and the server is stopped at teardown.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
SCREENSHOT = ROOT / "reports" / "dashboard.png"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"browser test skipped: no Chromium at {CHROMIUM} (install Debian's 'chromium' package; `make test` does it as root)"
    for mod in ("playwright", "voila"):
        try:
            __import__(mod)
        except ImportError:
            return f"browser test skipped: the Python package '{mod}' is not installed"
    return None


pytestmark = pytest.mark.skipif(_missing() is not None, reason=_missing() or "")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def voila_url(tmp_path_factory):
    work = tmp_path_factory.mktemp("voila")
    shutil.copy(ROOT / "notebooks" / "explore.ipynb", work / "explore.ipynb")   # serve a copy
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-m", "voila", str(work / "explore.ipynb"), "--no-browser", f"--port={port}",
         "--Voila.ip=127.0.0.1", "--MappingKernelManager.cull_idle_timeout=60",
         "--MappingKernelManager.cull_interval=15", "--VoilaConfiguration.file_allowlist=['.*\\.(png|jpg|css)']"],
        cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if proc.poll() is not None:
                pytest.fail("voila exited: " + proc.stdout.read().decode(errors="replace")[-2000:])
            time.sleep(0.3)
    yield url
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def test_switching_jht_on_updates_the_budget_figure(voila_url):
    from playwright.sync_api import expect, sync_playwright

    from sim.common.formatting import rupiah
    from sim.outputs.explorer import ExplorerModel
    model = ExplorerModel(ROOT / "params" / "belu-2023.yaml")
    v = model.defaults()
    before = rupiah(model.compute(v).summary["budget"]["required"])
    after = rupiah(model.compute({**v, "jht": True}).summary["budget"]["required"])
    assert before != after
    blocked = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})

            def guard(route):
                host = route.request.url.split("/")[2] if "://" in route.request.url else ""
                if host.split(":")[0] in ("127.0.0.1", "localhost") or route.request.url.startswith("data:"):
                    route.continue_()
                else:
                    blocked.append(route.request.url)
                    route.abort()

            page.route("**/*", guard)
            t0 = time.time()
            page.goto(voila_url, timeout=60_000, wait_until="commit")
            figure = page.locator("#budget-required")
            expect(figure).to_have_text(before, timeout=90_000)
            t1 = time.time()
            page.get_by_role("checkbox", name="JHT ikut / JHT on").check()
            expect(figure).to_have_text(after, timeout=30_000)
            print(f"page ready in {t1 - t0:.1f} s; JHT switch shown in {time.time() - t1:.2f} s")
            expect(page.locator("#jht-balance")).to_be_visible()
            SCREENSHOT.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOT), full_page=True)
            # the projection tab draws its chart (budget path and JHT fan) when it is opened
            drawn = "() => [...document.querySelectorAll('img')].filter(i => i.naturalWidth > 0).length"
            before = page.evaluate(drawn)             # the projection chart is not drawn yet
            page.get_by_text("Proyeksi / Projection").click()
            page.wait_for_function(f"({drawn})() > {before}", timeout=30_000)
        finally:
            browser.close()
    assert SCREENSHOT.stat().st_size > 10_000
    print(f"dashboard screenshot: {SCREENSHOT}; blocked outside requests: {len(blocked)}")
