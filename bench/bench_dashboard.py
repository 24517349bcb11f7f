"""First paint of the dashboard: seconds from opening the page to usable controls, with and without
a preheated kernel (``python -m sim dashboard --preheat 1`` / ``--preheat 0``), in headless Chromium.

Run: ``.venv/bin/python bench/bench_dashboard.py [--loads N]``.  For each setting a server is
started, and the page is opened N times in a fresh browser context (cold browser cache, as a
person opening it for the first time); between loads the server gets time to heat the next
kernel.  Printed: median seconds to the controls ("usable": the workers box is on the page and
the first figure shown) and to the first answer (typing 6.000 workers and seeing their figures).
Target: usable within 3 s on a 2-core machine.  The load average is printed: figures measured on
a busy machine are slower.
"""
from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure(preheat: int, loads: int, pause: float) -> tuple[list[float], list[float]]:
    from playwright.sync_api import expect, sync_playwright
    port = _port()
    proc = subprocess.Popen([sys.executable, "-m", "sim", "dashboard", "--no-browser", "--port", str(port),
                             "--preheat", str(preheat), "--save-dir", "/tmp"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        while "siap" not in (line := proc.stdout.readline()):
            if not line and proc.poll() is not None:
                raise SystemExit("the dashboard did not start")
        url = re.search(r"http://\S+/", line).group(0)
        usable, answer = [], []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS, headless=True)
            for _ in range(loads):
                time.sleep(pause)                       # the next preheated kernel gets ready
                ctx = browser.new_context(viewport={"width": 1366, "height": 768})
                page = ctx.new_page()
                page.route("**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url else r.abort())
                t0 = time.perf_counter()
                page.goto(url, wait_until="commit", timeout=120_000)
                expect(page.locator("#required")).to_have_text("Rp 1.187.827.200", timeout=120_000)
                usable.append(time.perf_counter() - t0)
                box = page.locator(".f-workers input")
                box.fill("6.000")
                box.press("Enter")
                expect(page.locator("#required")).to_have_text("Rp 1.209.600.000", timeout=120_000)
                answer.append(time.perf_counter() - t0)
                ctx.close()                             # the page's kernel is shut down by the page
            browser.close()
        return usable, answer
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--loads", type=int, default=3)
    ap.add_argument("--pause", type=float, default=8.0, help="seconds between page loads")
    args = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; {args.loads} page loads each\n")
    results = {}
    for preheat in (1, 0):
        usable, answer = measure(preheat, args.loads, args.pause)
        results[preheat] = statistics.median(usable)
        print(f"  --preheat {preheat}: usable {statistics.median(usable):5.2f} s (all: "
              f"{', '.join(f'{x:.2f}' for x in usable)}), first answer {statistics.median(answer):5.2f} s")
    print(f"\n  preheated / cold: {results[1] / results[0]:.2f}   target: usable <= 3 s")
    print(f"  load average now {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
