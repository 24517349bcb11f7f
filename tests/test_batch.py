"""``python -m sim batch``: a three-entry manifest (one entry with a bad roster) on local processes
and on a two-worker Dask LocalCluster; the index, the workbook, reruns, validation, the roll-up."""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from sim.cli import main
from sim.common.paths import PARAMS_DIR

NTT = PARAMS_DIR / "ntt"


def _manifest(tmp: Path) -> Path:
    """Two good entries (small portfolios, short runs) and one whose roster has a bad row."""
    (tmp / "bad-roster.csv").write_text("village,sex,age,occupation\nFulur,M,200,Petani/Pekebun\n", encoding="utf-8")
    m = tmp / "m.yaml"
    m.write_text(f"""
monte_carlo_years: 1000
projection_years: 1
reports:
  - scenario: {NTT / 'manggarai-barat-2025-kabupaten.yaml'}
    name: mabar-kab
    programme: mabar
    set: {{portfolio.workers: 700}}
  - scenario: {NTT / 'manggarai-barat-2025-provinsi.yaml'}
    name: mabar-prov
    programme: mabar
    set: {{portfolio.workers: 1200, budget.allocation: 241920000}}
  - scenario: {PARAMS_DIR / 'belu-2023.yaml'}
    name: bad
    set: {{portfolio.roster: {tmp / 'bad-roster.csv'}, portfolio.workers: null}}
""", encoding="utf-8")
    return m


def _direct(name_file: str, sets: list[str]) -> dict:
    from sim.analyses.model import run
    from sim.inputs.scenario import load_scenario
    return run(load_scenario(NTT / name_file, sets), checks=False)


@pytest.fixture(scope="module")
def batches(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("batch")
    m = _manifest(tmp)
    out = {}
    environ = dict(os.environ)
    for label, extra in (("local", []), ("dask", ["--scheduler", "local"])):
        code = main(["batch", str(m), "-o", str(tmp / label), "--jobs", "2"] + extra)
        out[label] = (code, tmp / label, json.loads((tmp / label / "index.json").read_text(encoding="utf-8")))
    out["environ_kept"] = environ == dict(os.environ)
    return tmp, m, out


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_good_reports_written_and_failure_named(batches, engine):
    _, _, out = batches
    code, folder, index = out[engine]
    assert code == 1                                      # one entry failed
    assert index["failed"] == ["bad"]
    rows = {r["name"]: r for r in index["entries"]}
    assert rows["mabar-kab"]["status"] == rows["mabar-prov"]["status"] == "ok"
    assert rows["bad"]["status"] == "failed" and "row 2" in rows["bad"]["error"] and "age" in rows["bad"]["error"]
    assert not (folder / "bad").exists()                  # nothing left behind by the failed entry
    for name in ("mabar-kab", "mabar-prov"):
        for rel in rows[name]["paths"].values():
            assert (folder / rel).is_file()
        rep = json.loads((folder / rows[name]["paths"]["json"]).read_text(encoding="utf-8"))
        assert rows[name]["figures"]["expected_claims.total"] == rep["expected_claims"]["total"]
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert '<html lang="id">' in page and "GAGAL / FAILED" in page and "Gagal / Failed: bad" in page
    assert "Rp 241.920.000" in page


def test_figures_agree_with_a_direct_run_and_between_engines(batches):
    _, _, out = batches
    local = {r["name"]: r for r in out["local"][2]["entries"]}
    dask = {r["name"]: r for r in out["dask"][2]["entries"]}
    for name in local:
        assert local[name]["figures"] == dask[name]["figures"]
    assert out["local"][2]["rollups"][0]["claims_quantiles"] == out["dask"][2]["rollups"][0]["claims_quantiles"]
    direct = _direct("manggarai-barat-2025-provinsi.yaml", ["portfolio.workers=1200", "budget.allocation=241920000"])
    f = local["mabar-prov"]["figures"]
    assert f["workers"] == 1200 and f["budget.allocation"] == 241_920_000
    assert f["expected_claims.total"] == pytest.approx(direct["expected_claims"]["total"], rel=1e-12)
    assert f["claims_quantiles.99.5"] == direct["claims_quantiles"]["99.5"]
    # 1200 workers x Rp 16.800 x 12 months, by hand
    assert f["budget.required"] == 1200 * 16_800 * 12 == f["contributions.total"]


def test_dask_leaves_the_callers_environment_as_it_was(batches):
    """Dask's nanny writes OMP_NUM_THREADS=1 etc. into the calling process; the engine restores it,
    so later kernels started by the caller do not silently change their BLAS threads."""
    assert batches[2]["environ_kept"]


def test_workbook_holds_the_figures_as_numbers(batches):
    from openpyxl import load_workbook
    _, _, out = batches
    _, folder, index = out["local"]
    wb = load_workbook(folder / "comparison.xlsx")
    ws = wb["Perbandingan"]
    header = [c.value for c in ws[1]]
    col = header.index("mabar-prov") + 1
    labels = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    row = labels.index("Klaim harapan JKK + JKM / Expected claims JKK + JKM") + 1
    cell = ws.cell(row, col)
    fig = {r["name"]: r for r in index["entries"]}["mabar-prov"]["figures"]["expected_claims.total"]
    assert isinstance(cell.value, float) and cell.value == pytest.approx(fig) and "Rp" in cell.number_format
    assert [c.value for c in wb["Indeks"]["E"]][1:] == ["ok", "ok", "failed"]
    assert wb["Gabungan"]["A2"].value == "mabar"


def test_rerun_skips_unchanged_entries_and_reruns_changed_ones(batches):
    tmp, m, out = batches
    folder = out["local"][1]
    assert main(["batch", str(m), "-o", str(folder), "--jobs", "1"]) == 1
    rows = {r["name"]: r for r in json.loads((folder / "index.json").read_text(encoding="utf-8"))["entries"]}
    assert rows["mabar-kab"]["skipped"] and rows["mabar-prov"]["skipped"]
    assert rows["bad"]["status"] == "failed" and not rows["bad"]["skipped"]   # a failure is always retried
    text = m.read_text(encoding="utf-8").replace("portfolio.workers: 700", "portfolio.workers: 701")
    m2 = tmp / "m2.yaml"
    m2.write_text(text, encoding="utf-8")
    assert main(["batch", str(m2), "-o", str(folder), "--jobs", "1"]) == 1
    rows = {r["name"]: r for r in json.loads((folder / "index.json").read_text(encoding="utf-8"))["entries"]}
    assert not rows["mabar-kab"]["skipped"] and rows["mabar-kab"]["figures"]["workers"] == 701
    assert rows["mabar-prov"]["skipped"]


def test_a_code_change_makes_a_row_stale(batches, monkeypatch):
    """The same inputs under changed code (the source digest of sim/ and the notebook) are rerun."""
    from sim.inputs.manifest import read_manifest
    from sim.outputs import batch, report_files
    tmp, m, out = batches
    folder = out["local"][1]
    manifest = read_manifest(m)
    rows = {r["name"]: r for r in json.loads((folder / "index.json").read_text(encoding="utf-8"))["entries"]}
    entry = next(e for e in manifest.entries if e.name == "mabar-prov")
    prev = rows["mabar-prov"]
    options, hashes = prev["fingerprint"]["options"], prev["input_sha256"]
    assert batch._reusable(prev, entry, options, hashes, folder)
    monkeypatch.setattr(report_files, "source_digest", lambda: "0" * 64)
    assert not batch._reusable(prev, entry, options, hashes, folder)


def test_bad_manifest_reports_every_problem_and_runs_nothing(tmp_path, capsys):
    m = tmp_path / "bad.yaml"
    m.write_text(f"""
langauge: id
monte_carlo_years: -1
reports:
  - scenario: missing.yaml
  - scenario: {PARAMS_DIR / 'belu-2023.yaml'}
    set: {{income.declared_montly: 2000000}}
  - scenario: {PARAMS_DIR / 'belu-2023.yaml'}
    name: "bad name"
    colour: red
  - scenario: {NTT / 'ttu-2025.yaml'}
    name: x
  - scenario: {NTT / 'ntt-2026.yaml'}
    name: x
    set: {{income.declared_monthly: 500000}}
""", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["batch", str(m), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    for text in ("langauge: unknown key (did you mean 'language'?)", "monte_carlo_years: expected a whole number",
                 "missing.yaml: file not found", "income.declared_montly: unknown key",
                 "reports[3].name: expected a name", "reports[3].colour: unknown key",
                 "reports[5].name: 'x' is also the name of entry 4", "below the BPU floor",
                 "problem(s) found; no report was run"):
        assert text in err, text
    assert "Traceback" not in err and not out.exists()


@pytest.mark.parametrize("message", ["Kernel died before replying to kernel_info: ZMQError: Address already in use",
                                     "Kernel died before replying to kernel_info"])
def test_port_collision_is_retried_once(monkeypatch, tmp_path, message):
    from sim.outputs import batch, report_runner
    calls = []

    def fake(scenario, sets, out_dir, language, **kw):
        calls.append(1)
        if len(calls) <= fails:
            raise RuntimeError(message)
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        (Path(out_dir) / "r.json").write_text('{"workers": 1}', encoding="utf-8")
        return {"json": Path(out_dir) / "r.json"}

    monkeypatch.setattr(report_runner, "run_report", fake)
    job = {"scenario": "x.yaml", "sets": [], "out_dir": str(tmp_path), "language": "id"}
    fails = 1
    r = batch.run_entry(job)
    assert r["status"] == "ok" and r["attempts"] == 2 and r["report"] == {"workers": 1}
    calls.clear()
    fails = 2
    r = batch.run_entry(job)
    assert r["status"] == "failed" and r["attempts"] == 2 and "Kernel died" in r["error"]


def test_rollup_is_the_convolution_of_the_parts():
    """The roll-up's exact distribution (one FFT over every part's risk groups) against a direct
    numpy convolution of the parts' own exact distributions on the same lattice."""
    from sim.analyses import rollup
    from sim.inputs.scenario import load_scenario
    from sim.risk import aggregate
    scens = [load_scenario(NTT / "manggarai-barat-2025-kabupaten.yaml", ["portfolio.workers=400"]),
             load_scenario(NTT / "ttu-2025.yaml", ["portfolio.workers=900"]),
             load_scenario(NTT / "belu-2025-provinsi.yaml", ["portfolio.workers=300"])]
    models = [rollup.part_model(s) for s in scens]
    h = rollup.lattice(models, 100_000.0)
    total = rollup.total_distribution(models, 100_000.0)
    parts = [aggregate.exact(m, h)["total"] for m in models]
    pmf, offset = parts[0].pmf, parts[0].offset
    for d in parts[1:]:
        pmf, offset = np.convolve(pmf, d.pmf), offset + d.offset
    direct = aggregate.Distribution(h, offset, pmf)
    xs = np.arange(min(direct.offset, total.offset), max(direct.offset + direct.pmf.size, total.offset + total.pmf.size)) * h
    assert np.max(np.abs(direct.cdf(xs) - total.cdf(xs))) < 1e-9
    assert total.mean() == pytest.approx(sum(d.mean() for d in parts), rel=1e-8)
    for q in (0.5, 0.9, 0.99, 0.995):
        assert total.quantile(q) == direct.quantile(q)
    r = rollup.rollup(scens)
    assert r["workers"] == 1600 and r["claims_quantiles"]["99.5"] == total.quantile(0.995)
    assert r["contributions"]["total"] == 1600 * 16_800 * 12
    # independent parts diversify: the total's 99.5% quantile is below the sum of the parts'
    assert r["claims_quantiles"]["99.5"] < r["sum_of_part_quantiles"]["99.5"]
