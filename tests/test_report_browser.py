"""The council report's HTML opened in a real headless Chromium (Debian's package), as a reader
sees it: Indonesian declared, no code, no debug output, no absolute path, every chart drawn,
nothing fetched from outside.  Skipped, with the reason, when Chromium or Playwright is missing."""
import re
from pathlib import Path

import pytest

from tests.test_dashboard import ARGS, CHROMIUM, _missing

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(_missing() is not None, reason=_missing() or "")

CODE_OR_DEBUG = [r"\bimport\b", r"\bdef\b", r"R\.\w+\(", r"ctx\b", r"Traceback", r"NBVAL", r"summary_json", r"\bNone\b",
                 r"\bnan\b", r"\binf\b", r"<Figure size", r"0x[0-9a-f]{6,}", r"run_seconds", r"\d+[.,]\d+ s\b",
                 r"Kebutuhan: Rp", r"medical_only", r"\{'", r'\{"']


def test_report_html_in_chromium(council_report, tmp_path):
    from playwright.sync_api import sync_playwright
    _, paths = council_report
    outside = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})

            def guard(route):
                if route.request.url.startswith(("file:", "data:")):
                    route.continue_()
                else:
                    outside.append(route.request.url)
                    route.abort()

            page.route("**/*", guard)
            page.goto(paths["html"].as_uri())
            lang = page.evaluate("document.documentElement.lang")
            text = page.inner_text("body")
            images = page.evaluate("[...document.images].map(i => [i.naturalWidth, i.getBoundingClientRect().width])")
            title = page.title()
            page.screenshot(path=str(tmp_path / "report.png"))
        finally:
            browser.close()
    assert lang == "id"
    assert title == "Belu 2023: pekerja rentan, JKK + JKM"
    assert outside == []
    assert len(images) >= 3 and all(w > 0 and shown <= 1200 for w, shown in images)
    for pattern in CODE_OR_DEBUG:
        assert not re.search(pattern, text), pattern
    for path in (str(ROOT), "/tmp/", "/home/", "/work/", "/srv/"):
        assert path not in text
    flat = text.replace("\u00a0", " ")
    assert "1. Apa yang dibeli anggaran ini" in flat and "Rp 1.175.126.400" in flat and "5.829 peserta" in flat
