"""The dashboard's parts without a browser: Indonesian number fields, the figures with their
baseline differences, the widgets (typing, refusing, saving, downloading), the Voila settings
and the command; the browser tests are in test_dashboard.py."""
import asyncio
import base64
import json
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sim.common.numbers import NumberError
from sim.outputs.explorer_html import cards_html, details_html, fmt_delta
from sim.outputs.fields import FieldSpec, parse, show

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "params" / "belu-2023.yaml"
WORKERS = FieldSpec("workers", ("Jumlah peserta", "Workers"), "count", 1, 10_000_000)
MONEY = FieldSpec("allocation", ("Alokasi", "Allocation"), "rupiah", 0, 1e13)
RATE = FieldSpec("jht_rate", ("Iuran JHT", "JHT rate"), "percent", 0.0, 0.1, 0.005)
SHARE = FieldSpec("share", ("Bagian", "Share"), "percent", 0.1, 1.0, 0.05)
FACTOR = FieldSpec("loading", ("Pengali", "Multiplier"), "factor", 0.25, 3.0, 0.05)


@pytest.mark.parametrize("spec, text, value", [
    (WORKERS, "6.000", 6000), (WORKERS, "6000", 6000), (WORKERS, " 5.892 ", 5892), (WORKERS, "10.000.000", 10_000_000),
    (MONEY, "1.500.000", 1_500_000), (MONEY, "Rp 1.175.126.400", 1_175_126_400), (MONEY, "Rp1.175.126.400", 1_175_126_400),
    (MONEY, "1.500.000,00", 1_500_000), (MONEY, "0", 0),
    (RATE, "2,5%", 0.025), (RATE, "2,5", 0.025), (RATE, "2 %", 0.02), (RATE, "0", 0.0), (RATE, "2,3%", 0.023),
    (SHARE, "80%", 0.8), (SHARE, "100", 1.0),
    (FACTOR, "1,2", 1.2), (FACTOR, "1,2x", 1.2), (FACTOR, "1,5 ×", 1.5), (FACTOR, "2", 2.0),
])
def test_fields_read_indonesian_writing(spec, text, value):
    got = parse(spec, text)
    assert got == value and type(got) is (int if spec.kind in ("count", "whole") else float)


@pytest.mark.parametrize("spec, text, why", [
    (WORKERS, "6,000", "dua cara"), (WORKERS, "6,5", "bulat"), (WORKERS, "0", "di luar batas 1 sampai 10.000.000"),
    (WORKERS, "enam ribu", "bukan angka"), (WORKERS, "", "kosong"), (WORKERS, "5%", "persen"),
    (MONEY, "1,500", "dua cara"), (MONEY, "1.500.000,50", "bulat"), (MONEY, "-5", "di luar batas"),
    (RATE, "12%", "di luar batas 0% sampai 10%"), (RATE, "2,5%%", "bukan angka"),
    (SHARE, "5%", "di luar batas 10% sampai 100%"), (FACTOR, "1,2y", "bukan angka"), (FACTOR, "9", "sampai 3"),
])
def test_fields_refuse_what_is_ambiguous_or_out_of_range(spec, text, why):
    with pytest.raises(NumberError, match=re.escape(why)) as exc:
        parse(spec, text)
    assert " / " in str(exc.value)                    # Indonesian / English


@pytest.mark.parametrize("spec, value, text", [
    (WORKERS, 5892, "5.892"), (MONEY, 1_175_126_400, "Rp 1.175.126.400"), (RATE, 0.02, "2%"), (RATE, 0.0225, "2,25%"),
    (SHARE, 1.0, "100%"), (FACTOR, 1.25, "1,25"), (FACTOR, 1.0, "1"),
])
def test_fields_show_values_the_indonesian_way_and_read_them_back(spec, value, text):
    assert show(spec, value) == text and parse(spec, text) == pytest.approx(value)


@pytest.mark.parametrize("kind, d, text", [
    ("rupiah", 1_414_080_000, "+Rp 1.414.080.000"), ("rupiah", -12_700_800, "−Rp 12.700.800"),
    ("rupiah", 0.2, "= dasar / baseline"), ("percent", 0.012, "+1,2 poin"), ("percent2", -0.0005, "−0,05 poin"),
    ("count", 108, "+108"), ("months", -6.45, "−6,45"), ("rupiah", None, "-"),
])
def test_differences_are_written_with_sign_and_unit(kind, d, text):
    assert fmt_delta(kind, d) == text


@pytest.fixture(scope="module")
def model():
    from sim.outputs.explorer import ExplorerModel
    return ExplorerModel(BASE)


def test_cards_and_details_show_every_figure_with_its_difference(model):
    from sim.outputs.explorer import figures
    r = model.compute({**model.defaults(), "jht": True})
    f, d = figures(r), model.differences(r)
    cards = cards_html(f, d, 12, 10, True)
    assert "Rp 2.601.907.200" in cards and "+Rp 1.414.080.000" in cards and "kurang / shortfall" in cards
    assert "id='required-delta'" in cards and "Dana JHT setelah 10 th" in cards
    det = details_html(f, d, 12, True, "Belu 2023")
    values = re.findall(r"<span class='val' id='(l-[^']+)'", det)
    deltas = re.findall(r"<span class='delta[^']*' id='(l-[^']+)-delta'", det)
    assert values == deltas and len(values) == 17          # every listed figure has its difference
    assert not re.search(r"(?<![\d.])0\.\d", cards + det)       # rates as percentages, never 0.020
    assert "68,1%" in det and "+0 poin" not in det


def _explorer(tmp_path):
    from sim.outputs.explorer_view import Explorer
    return Explorer(BASE, save_dir=tmp_path)


def test_typing_into_the_fields(tmp_path):
    ex = _explorer(tmp_path)
    workers = ex.fields["workers"]
    workers.text.value = "6.000"
    assert workers.value == 6000 and ex.figures["workers"] == 6000
    assert "Rp 1.209.600.000" in ex.cards.value                    # 6,000 x Rp 16.800 x 12
    workers.text.value = "6,000"                                   # ambiguous: refused, nothing changes
    assert workers.value == 6000 and ex.figures["workers"] == 6000 and workers.error
    assert "6.000" in workers.message.value and "dua cara" in workers.message.value
    assert "Periksa isian" in ex.notice.value and ex.save_button.disabled
    workers.text.value = "5892"
    assert workers.text.value == "5.892" and not workers.error and not ex.notice.value and not ex.save_button.disabled
    rate = ex.fields["jht_rate"]
    rate.text.value = "2,5"
    assert rate.value == 0.025 and rate.text.value == "2,5%" and rate.slider.value == pytest.approx(0.025)
    rate.slider.value = 0.03                                       # the slider writes the box
    assert rate.text.value == "3%" and rate.value == 0.03
    ex.fields["allocation"].text.value = "1.500.000.000"
    assert ex.figures["difference"] == 1_500_000_000 - 1_187_827_200
    assert "+Rp 324.873.600" in ex.cards.value
    ex.jht.value = True
    assert ex.diff["required"] == 5892 * 30_000 * 12 and "+Rp 2.121.120.000" in ex.cards.value   # JHT 3%
    first = ex.plot.value
    ex.fields["loading"].value = 2.0
    assert ex.plot.value != first and ex.plot.value[:4] == b"\x89PNG"


def test_saving_and_downloading_from_the_widget(tmp_path):
    ex = _explorer(tmp_path)
    ex.name.value = "Skenario uji Pak Budi"
    ex.jht.value = True
    assert ex._save(False) == tmp_path / "skenario-uji-pak-budi.yaml"
    assert "Disimpan / Saved" in ex.save_status.value and str(tmp_path) not in ex.save_status.value
    before = (tmp_path / "skenario-uji-pak-budi.yaml").read_bytes()
    ex.fields["workers"].value = 7000
    assert ex._save(False) is None                                  # asks first
    assert "sudah ada" in ex.save_status.value and ex.replace_button.layout.display == ""
    assert (tmp_path / "skenario-uji-pak-budi.yaml").read_bytes() == before
    ex.cancel_button.click()
    assert ex.replace_button.layout.display == "none" and ex.save_status.value == ""
    ex._save(False)
    ex.replace_button.click()
    assert "Disimpan" in ex.save_status.value
    assert yaml.safe_load((tmp_path / "skenario-uji-pak-budi.yaml").read_text())["portfolio"]["workers"] == 7000
    link = re.search(r"download='([^']+)' href='data:application/x-yaml;base64,([^']+)'", ex.downloads.value)
    assert link.group(1) == "skenario-uji-pak-budi.yaml"
    doc = yaml.safe_load(base64.b64decode(link.group(2)).decode("utf-8"))
    assert doc["programs"] == {"jht": True} and doc["portfolio"]["workers"] == 7000
    ex.name.value = "  "
    ex._save(False)
    assert "Tulis nama" in ex.save_status.value and "Enter a scenario name" in ex.save_status.value


def test_income_dropdown_and_rates_are_shown_for_people(tmp_path):
    ex = _explorer(tmp_path)
    labels = list(ex.income._options_labels)
    assert labels[0] == "Batas bawah BPU: Rp 1.000.000" and ex.income.label == labels[0]
    assert all("ump_" not in lab and "floor" not in lab for lab in labels)
    assert ex.fields["jht_rate"].text.value == "2%" and ex.fields["jht_return"].text.value == "6%"
    assert ex.fields["share"].text.value == "100%" and ex.fields["allocation"].text.value == "Rp 1.175.126.400"


def test_the_notebook_holds_only_the_dashboard():
    nb = json.loads((ROOT / "notebooks" / "explore.ipynb").read_text(encoding="utf-8"))
    assert [c["cell_type"] for c in nb["cells"]] == ["code"]
    cell = nb["cells"][0]
    assert cell["outputs"] == [] and "NBVAL_CHECK_OUTPUT" not in "".join(cell["source"])


def test_voila_settings():
    from sim.outputs.dashboard import CULL_IDLE, voila_config
    c = voila_config(8866)
    assert c.Voila.ip == "127.0.0.1" and c.Voila.open_browser is False
    assert c.VoilaConfiguration.preheat_kernel is True and c.VoilaConfiguration.show_tracebacks is False
    assert c.MappingKernelManager.cull_idle_timeout == CULL_IDLE <= 300 and c.MappingKernelManager.cull_connected is False
    assert c.LimitedKernelManager.max_kernels >= 2


def test_a_page_beyond_the_kernel_cap_gets_a_message(monkeypatch):
    import tornado.web

    from sim.outputs.dashboard import limited_kernel_manager
    cls = limited_kernel_manager()
    km = cls(max_kernels=2)
    monkeypatch.setattr(cls, "__len__", lambda self: 2)
    with pytest.raises(tornado.web.HTTPError) as exc:
        asyncio.run(km.start_kernel(env={"VOILA_PREHEAT": "False"}))
    assert exc.value.status_code == 503 and "Terlalu banyak" in exc.value.reason and "Too many" in exc.value.reason


def test_dashboard_command_refuses_bad_ports():
    r = subprocess.run([sys.executable, "-m", "sim", "dashboard", "--port", "0", "--no-browser"],
                       capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert r.returncode == 2 and "--port" in r.stderr and "Traceback" not in r.stderr
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        r = subprocess.run([sys.executable, "-m", "sim", "dashboard", "--port", str(port), "--no-browser"],
                           capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert r.returncode == 2 and "sedang dipakai" in r.stderr and "in use" in r.stderr and "Traceback" not in r.stderr


def test_the_figures_as_an_excel_workbook(tmp_path):
    import io

    from openpyxl import load_workbook
    ex = _explorer(tmp_path)
    ex.jht.value = True
    ex._prepare_excel()
    link = re.search(r"download='([^']+)' href='data:[^;]+;base64,([^']+)'", ex.excel_link.value)
    assert link.group(1) == "belu-2023-dasbor-angka.xlsx" and ex.excel_button.layout.display == "none"
    wb = load_workbook(io.BytesIO(base64.b64decode(link.group(2))))
    assert wb.sheetnames == ["Angka", "Program", "Pilihan"]
    rows = {r[0]: r[1:] for r in wb["Angka"].iter_rows(min_row=4, values_only=True) if r and r[0]}
    need = rows["Kebutuhan anggaran / Budget need"]
    assert need[:3] == (5892 * 36_800 * 12, 5892 * 16_800 * 12, 5892 * 20_000 * 12)      # numbers, not text
    assert wb["Angka"]["B4"].number_format.startswith('"Rp "')
    assert rows["Rasio klaim JKK + JKM / Loss ratio JKK + JKM"][0] == pytest.approx(0.6805, abs=5e-4)
    ex.fields["workers"].value = 6000                      # figures changed: the old workbook is withdrawn
    assert ex.excel_link.value == "" and ex.excel_button.layout.display == ""


def test_binder_configuration(tmp_path):
    """postBuild writes a valid server config for Voila's extension (same settings as the command),
    and environment.yml installs the project with Voila, as Binder needs."""
    import os
    import stat

    from sim.outputs.dashboard import CULL_IDLE, voila_config
    post = ROOT / "postBuild"
    assert post.stat().st_mode & stat.S_IXUSR
    subprocess.run(["bash", str(post)], check=True, env={**os.environ, "HOME": str(tmp_path)}, timeout=60)
    cfg = json.loads((tmp_path / ".jupyter" / "jupyter_server_config.json").read_text())
    c = voila_config(8866)
    assert cfg["VoilaConfiguration"]["show_tracebacks"] is False and cfg["VoilaConfiguration"]["file_allowlist"] == []
    assert cfg["VoilaConfiguration"]["extension_denylist"] == c.VoilaConfiguration.extension_denylist
    assert cfg["MappingKernelManager"]["cull_idle_timeout"] == CULL_IDLE
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    deps = [d for d in env["dependencies"] if isinstance(d, str)]
    assert any(d.startswith("voila") for d in deps)
    assert {"pip": ["-e ."]} in env["dependencies"] or any(
        isinstance(d, dict) and "-e ." in d.get("pip", []) for d in env["dependencies"])
