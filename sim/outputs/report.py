"""Content of the report notebook (``notebooks/report.ipynb``): each function returns Markdown
or a figure for one section; the notebook only calls them in order.  Numbers come from
:mod:`sim.analyses.model`; nothing here computes a model figure of its own.
"""
from __future__ import annotations

import json
import os
import platform
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

import numpy as np

from .. import __version__
from ..analyses import sensitivity
from ..analyses.model import compute, summarize
from ..common.formatting import number, percent, rupiah
from ..common.i18n import t
from ..common.paths import PROJECT
from ..inputs.scenario import load_scenario

#: report parameters: name -> (type, default, help); notebooks/report.ipynb declares the same
PARAMETERS = {
    "scenario": (str, "params/belu-2023.yaml", "scenario file (relative to the project folder, or absolute)"),
    "overrides": (list, [], "overrides, each written as for --set (dotted key, equals sign, value)"),
    "language": (str, "id", '"id" (Bahasa Indonesia) or "en" (English)'),
    "monte_carlo_years": (int, 100000, "Monte Carlo years for the cross-check (0: none)"),
    "summary_json": (str, "", 'file for the headline figures as JSON ("": none)'),
    "projection_years": (int, 10, "years of the budget projection (1-40; 0: none)"),
    "experience": (str, "", 'claims experience CSV to validate against ("": none)'),
}


@dataclass
class Context:
    scen: object
    computed: object
    summary: dict
    lang: str
    params: dict
    projection: dict | None = None
    validation: dict | None = None
    started: float = field(default_factory=time.time)

    def tr(self, id_text: str, en_text: str) -> str:
        return id_text if self.lang == "id" else en_text


def prepare(scenario: str, overrides: list, language: str, monte_carlo_years: int,
            projection_years: int = 10) -> Context:
    """Validate and compute everything the report shows (raises InputError on bad input)."""
    from ..analyses.projection import run_projection
    from ..common.errors import InputError, Problem
    if language not in ("id", "en"):
        raise InputError([Problem("report", "language", f'expected "id" or "en", got {language!r}')])
    if not 0 <= int(projection_years) <= 40:
        raise InputError([Problem("report", "projection_years", f"expected 0 to 40, got {projection_years!r}")])
    path = scenario if os.path.isabs(scenario) else PROJECT / scenario
    scen = load_scenario(path, list(overrides))
    c = compute(scen, mc_years=int(monte_carlo_years))
    s = summarize(scen, c, checks=True)
    params = {"scenario": scenario, "overrides": list(overrides), "language": language,
              "monte_carlo_years": int(monte_carlo_years), "projection_years": int(projection_years)}
    proj = run_projection(scen, int(projection_years)) if projection_years else None
    return Context(scen, c, s, language, params, proj)


def _md(text: str):
    from IPython.display import Markdown
    return Markdown(text)


def title(ctx: Context):
    s = ctx.summary
    name = (s.get("title") or {}).get(ctx.lang, s["scenario"])
    progs = ", ".join(p.upper() for p, on in s["programs"].items() if on)
    return _md(f"# {name}\n\n"
               f"{ctx.tr('Skenario', 'Scenario')} `{s['scenario']}` · {ctx.tr('mulai', 'start')} {s['start']} · "
               f"{progs} · {number(s['workers'])} {ctx.tr('peserta di', 'workers in')} {s['villages']} desa · "
               f"{ctx.tr('penghasilan', 'declared income')} {rupiah(s['declared_income_monthly'])} "
               f"{ctx.tr('per bulan', 'a month')}\n\n"
               f"{ctx.tr('Peserta per kecamatan', 'Workers by kecamatan')}: "
               + ", ".join(f"{k} {number(v)}" for k, v in s["workers_by_kecamatan"].items()))


def headline(ctx: Context):
    s, b = ctx.summary, ctx.summary["budget"]
    gap = b["difference"]
    verdict = (ctx.tr(f"**Kurang {rupiah(-gap)}**", f"**Short by {rupiah(-gap)}**") if gap < 0
               else ctx.tr(f"**Lebih {rupiah(gap)}**", f"**Surplus of {rupiah(gap)}**"))
    return _md("\n".join([
        f"## {ctx.tr('Ringkasan', 'Summary')}",
        "",
        f"- {t('allocation', ctx.lang)}: {rupiah(b['allocation'])}; {t('required', ctx.lang).lower()} "
        f"{b['months']} {ctx.tr('bulan', 'months')}: {rupiah(b['required'])} → {verdict}.",
        f"- {ctx.tr('Alokasi mendanai', 'The allocation funds')} {number(b['funded_worker_years'])} "
        f"{ctx.tr('tahun-peserta', 'worker-years')}, {ctx.tr('atau', 'or')} {number(b['months_covered'], 2)} "
        f"{ctx.tr('bulan cakupan bagi semua peserta', 'months of cover for everyone enrolled')}.",
        f"- {t('expected_claims', ctx.lang)} (JKK + JKM): {rupiah(s['expected_claims']['total'])}; "
        f"{t('loss_ratio', ctx.lang).lower()} {percent(s['loss_ratio']['total'])}.",
        f"- {ctx.tr('Peluang klaim setahun melebihi iuran', 'Probability that a year’s claims exceed contributions')}: "
        f"{percent(s['prob_claims_exceed_contributions'], 2)}; VaR 99,5%: {rupiah(s['var_99_5'])}.",
    ]))


def budget_table(ctx: Context):
    s, b, c = ctx.summary, ctx.summary["budget"], ctx.summary["contributions"]
    share = b.get("jht_regency_share", 0.0)
    lines = [f"## {ctx.tr('Rekonsiliasi anggaran', 'Budget reconciliation')}", "",
             f"| {t('program', ctx.lang)} | {ctx.tr('Iuran per bulan per peserta', 'Monthly per worker')} | "
             f"{t('contributions', ctx.lang)} | {t('required', ctx.lang)} ({b['months']} {ctx.tr('bln', 'mo')}) |",
             "|---|---:|---:|---:|"]
    for p in ("jkk", "jkm", "jht"):
        per = c[p] / 12 / max(s["workers"], 1)
        need = c[p] / 12 * b["months"] * (share if p == "jht" else 1.0)
        lines.append(f"| {p.upper()} | {rupiah(per)} | {rupiah(c[p])} | {rupiah(need)} |")
    lines += [f"| **{t('total', ctx.lang)}** | {rupiah(b['monthly_per_worker'])} | {rupiah(c['total'])} | "
              f"**{rupiah(b['required'])}** |", "",
              f"{t('allocation', ctx.lang)} {rupiah(b['allocation'])}; {t('difference', ctx.lang).lower()} "
              f"{rupiah(b['difference'])} ({ctx.tr('negatif = kurang', 'negative = shortfall')})."]
    if s["programs"]["jht"] and share < 1:
        lines.append(ctx.tr(f"JHT: Pemda membayar {percent(share, 0)}, peserta sisanya.",
                            f"JHT: the regency pays {percent(share, 0)}, the worker the rest."))
    return _md("\n".join(lines))


def claims_table(ctx: Context):
    s = ctx.summary
    rows = [f"## {ctx.tr('Klaim setahun', 'Claims in a year')}", "",
            f"{t('deaths', ctx.lang)}: {number(s['expected_deaths'], 1)}; {t('accidents', ctx.lang).lower()}: "
            f"{number(s['expected_accidents'], 1)} ({ctx.tr('fatal', 'fatal')} {number(s['expected_work_accident_deaths'], 2)}).",
            "", "| | JKK | JKM | JKK + JKM |", "|---|---:|---:|---:|"]
    bp = s["by_program"]
    get = {"jkk": bp["jkk"], "jkm": bp["jkm"]}
    rows.append(f"| {t('expected_claims', ctx.lang)} | " + " | ".join(rupiah(s["expected_claims"][k]) for k in ("jkk", "jkm", "total")) + " |")
    rows.append(f"| {t('loss_ratio', ctx.lang)} | " + " | ".join(percent(s["loss_ratio"][k]) for k in ("jkk", "jkm", "total")) + " |")
    rows.append(f"| {ctx.tr('Simpangan baku', 'Standard deviation')} | " + " | ".join(rupiah(s["claims_sd"][k]) for k in ("jkk", "jkm", "total")) + " |")
    for q in ("50", "90", "99.5"):
        rows.append(f"| {ctx.tr('Kuantil', 'Quantile')} {q.replace('.', ',') if ctx.lang == 'id' else q}% | "
                    + " | ".join(rupiah(get[k]["quantiles"][q]) for k in ("jkk", "jkm")) + f" | {rupiah(s['claims_quantiles'][q])} |")
    rows.append(f"| TVaR 99,5% | {rupiah(bp['jkk']['tvar_99_5'])} | {rupiah(bp['jkm']['tvar_99_5'])} | {rupiah(s['tvar_99_5'])} |")
    rows.append(f"| {t('prob_exceed', ctx.lang)} | {percent(bp['jkk']['prob_exceed_contributions'], 2)} | "
                f"{percent(bp['jkm']['prob_exceed_contributions'], 2)} | {percent(s['prob_claims_exceed_contributions'], 2)} |")
    if "monte_carlo" in s:
        m = s["monte_carlo"]
        rows += ["", ctx.tr(f"Cek Monte Carlo ({number(m['years'])} tahun): rata-rata {rupiah(m['mean'])} ± {rupiah(m['mean_se'])}.",
                            f"Monte Carlo check ({number(m['years'])} years): mean {rupiah(m['mean'])} ± {rupiah(m['mean_se'])}.")]
    return _md("\n".join(rows))


def distribution_figure(ctx: Context):
    import matplotlib.pyplot as plt

    from . import plots
    s = ctx.summary
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
    labels = {"x": t("rupiah_millions", ctx.lang), "y": t("probability", ctx.lang), "var": t("var", ctx.lang),
              "contributions": t("contributions", ctx.lang)}
    for ax, key, name in zip(axes, ("jkk", "jkm", "total"), ("JKK", "JKM", "JKK + JKM")):
        contrib = s["contributions"]["jkk"] + s["contributions"]["jkm"] if key == "total" else s["contributions"][key]
        var = s["var_99_5"] if key == "total" else s["by_program"][key]["var_99_5"]
        plots.claims_distribution(ax, ctx.computed.exact[key], contrib, var, name, labels)
    fig.tight_layout()
    return fig


def tornado_figure(ctx: Context):
    import matplotlib.pyplot as plt

    from . import plots
    rows = sensitivity.tornado(ctx.scen, portfolio=ctx.computed.portfolio)
    base = rows[0]["base"]["loss_ratio"] * 100
    fig, ax = plt.subplots(figsize=(9, 3.6))
    lab = "label_id" if ctx.lang == "id" else "label_en"
    plots.tornado(ax, [(r[lab], r["low"]["loss_ratio"] * 100, r["high"]["loss_ratio"] * 100) for r in rows], base,
                  ctx.tr("Sensitivitas rasio klaim (JKK + JKM)", "Sensitivity of the loss ratio (JKK + JKM)"),
                  ctx.tr("rasio klaim, %", "loss ratio, %"))
    fig.tight_layout()
    return fig


def jht_section(ctx: Context):
    s = ctx.summary
    if not s["programs"]["jht"]:
        return _md(ctx.tr("JHT tidak diikutkan dalam skenario ini.", "JHT is not part of this scenario."))
    j = s["jht"]
    lines = ["## JHT", "",
             ctx.tr(f"Iuran {rupiah(j['monthly_per_worker'])} per bulan per peserta, hasil pengembangan {percent(j['annual_return'])} "
                    f"per tahun (asumsi); Pemda membayar {percent(j['regency_share'], 0)}.",
                    f"Contribution {rupiah(j['monthly_per_worker'])} a month per worker, credited return {percent(j['annual_return'])} "
                    f"a year (assumption); the regency pays {percent(j['regency_share'], 0)}."), "",
             f"| {ctx.tr('Tahun kepesertaan', 'Years of membership')} | {t('jht_balance', ctx.lang)} |", "|---:|---:|"]
    lines += [f"| {y} | {rupiah(v)} |" for y, v in j["balance_per_worker"].items()]
    lines += ["", f"{t('jht_fund', ctx.lang)} {ctx.tr('setelah 1 tahun', 'after one year')}: {rupiah(j['fund_after_one_year'])}."]
    return _md("\n".join(lines))


def _fmt_value(p, v, lang) -> str:
    if p.unit in ("rupiah", "rupiah_per_month"):
        return rupiah(v)
    if p.unit in ("fraction", "probability_per_year"):
        return percent(v, 2)
    if isinstance(v, dict):
        return ", ".join(f"{k}: {rupiah(x) if p.unit == 'rupiah_map' else number(x, 4 if isinstance(x, float) and x < 1 else 0)}"
                         for k, x in v.items())
    return number(v, 2) if isinstance(v, float) else str(v)


def assumptions_table(ctx: Context):
    lines = [f"## {ctx.tr('Asumsi dan dasar hukum', 'Assumptions and legal basis')}", "",
             f"| {ctx.tr('Parameter', 'Parameter')} | {ctx.tr('Nilai', 'Value')} | {ctx.tr('Jenis', 'Kind')} | "
             f"{ctx.tr('Sumber', 'Source')} |", "|---|---|---|---|"]
    for name in ctx.scen.params.names():
        p = ctx.scen.params[name]
        label = p.label_id if ctx.lang == "id" else p.label_en
        kind = ctx.tr("asumsi", "assumption") if p.assumption else ctx.tr("regulasi", "regulation")
        if name in ctx.scen.overrides:
            kind += ctx.tr(" (diubah skenario)", " (set by the scenario)")
        src = " ".join(p.source.split()).replace("|", "/")
        lines.append(f"| {label} | {_fmt_value(p, ctx.scen.param(name), ctx.lang)} | {kind} | {src} |")
    return _md("\n".join(lines))


def provenance(ctx: Context) -> dict:
    """Everything needed to reproduce the run: parameters, seed, versions, input hashes, time."""
    import scipy
    s = ctx.summary
    return {
        "parameters": ctx.params,
        "scenario": s["scenario"],
        "seed": s["seed"],
        "version": __version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "input_sha256": ctx.scen.input_hashes(),
        "run_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "run_seconds": round(time.time() - ctx.started, 2),
    }


def provenance_section(ctx: Context):
    prov = provenance(ctx)
    lines = [f"## {ctx.tr('Asal-usul perhitungan', 'Provenance')}", "",
             f"- {ctx.tr('Parameter laporan', 'Report parameters')}: `{json.dumps(prov['parameters'], ensure_ascii=False)}`",
             f"- {ctx.tr('Benih acak', 'Seed')}: {prov['seed']}; `sim` {prov['version']}; Python {prov['python']}, "
             f"numpy {prov['numpy']}, scipy {prov['scipy']}",
             f"- {ctx.tr('Waktu', 'Run at')}: {prov['run_at']} ({prov['run_seconds']} s)", "",
             f"| {ctx.tr('Berkas masukan', 'Input file')} | SHA-256 |", "|---|---|"]
    lines += [f"| `{k}` | `{v[:16]}…` |" for k, v in prov["input_sha256"].items()]
    return _md("\n".join(lines))


def headline_figures(ctx: Context) -> dict:
    """The small JSON written beside a report for scheduled jobs and tests."""
    s = ctx.summary
    keys = ("scenario", "workers", "contributions", "budget", "expected_deaths", "expected_accidents",
            "expected_claims", "loss_ratio", "claims_quantiles", "var_99_5", "tvar_99_5",
            "prob_claims_exceed_contributions", "seed", "version")
    out = {k: s[k] for k in keys}
    if "jht" in s:
        out["jht"] = s["jht"]
    out["provenance"] = provenance(ctx)
    return out


def record(ctx: Context, path: str) -> None:
    """Write :func:`headline_figures` to *path* ("" writes nothing)."""
    if path:
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(headline_figures(ctx), fh, ensure_ascii=False, indent=2)


def tornado_heading(ctx: Context):
    return _md(f"## {ctx.tr('Sensitivitas', 'Sensitivity')}\n\n" + ctx.tr(
        "Setiap asumsi digeser sendiri-sendiri ke nilai rendah (biru) dan tinggi (oranye); rasio klaim harapan "
        "dihitung ulang secara tepat.",
        "Each assumption is moved on its own to a low (blue) and a high (orange) value; the expected loss ratio "
        "is recomputed exactly."))


def key_figures(ctx: Context) -> None:
    """Print the key figures in one stable block (the tests compare it)."""
    s, b = ctx.summary, ctx.summary["budget"]
    print(f"{t('required', ctx.lang)}: {rupiah(b['required'])}")
    print(f"{t('difference', ctx.lang)}: {rupiah(b['difference'])}")
    print(f"{t('worker_years', ctx.lang)}: {number(b['funded_worker_years'])}")
    print(f"{t('loss_ratio', ctx.lang)} (JKK + JKM): {percent(s['loss_ratio']['total'])}")


def projection_section(ctx: Context):
    p = ctx.projection
    if not p:
        return _md("")
    lines = [f"## {ctx.tr('Proyeksi anggaran', 'Budget projection')} ({p['years']} {ctx.tr('tahun', 'years')})", "",
             ctx.tr(f"Kohort menua, meninggal, berhenti ({percent(ctx.scen.param('assumptions.projection.lapse_rate'), 0)} "
                    f"per tahun) dan diganti peserta baru; biaya medis naik "
                    f"{percent(ctx.scen.param('assumptions.projection.medical_inflation'), 0)} per tahun. "
                    f"Beasiswa mulai dibayar pada tahun ke-{p['first_scholarship_year']} "
                    f"(beasiswa JKM: tahun ke-{p['first_jkm_scholarship_year']}, setelah 3 tahun iuran).",
                    f"The cohort ages, dies, lapses ({percent(ctx.scen.param('assumptions.projection.lapse_rate'), 0)} "
                    f"a year) and is replaced by new members; medical costs rise "
                    f"{percent(ctx.scen.param('assumptions.projection.medical_inflation'), 0)} a year. "
                    f"Scholarship costs start in year {p['first_scholarship_year']} "
                    f"(JKM scholarship: year {p['first_jkm_scholarship_year']}, after 3 years of contributions)."), "",
             f"| {ctx.tr('Tahun', 'Year')} | {ctx.tr('Peserta', 'Workers')} | {t('required', ctx.lang)} | "
             f"{t('allocation', ctx.lang)} | {t('expected_claims', ctx.lang)} | {ctx.tr('Beasiswa', 'Scholarship')} | "
             f"{t('loss_ratio', ctx.lang)} | {ctx.tr('P(klaim kumulatif > iuran)', 'P(cumulative claims > contributions)')} |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in p["rows"]:
        lines.append(f"| {r['year']} | {number(r['workers'])} | {rupiah(r['budget']['required'])} | "
                     f"{rupiah(r['budget']['allocation'])} | {rupiah(r['expected_claims']['total'])} | "
                     f"{rupiah(r['scholarship'])} | {percent(r['loss_ratio'])} | "
                     f"{percent(r.get('prob_cumulative_claims_exceed_contributions'), 1)} |")
    if "jht_at_retirement" in p:
        lines += ["", f"| {ctx.tr('Usia masuk', 'Age at joining')} | {ctx.tr('Saldo JHT pada usia pensiun', 'JHT balance at retirement age')} | "
                  f"{ctx.tr('persentil 5-95', '5th-95th percentile')} |", "|---:|---:|---:|"]
        for age, v in p["jht_at_retirement"].items():
            lines.append(f"| {age} ({v['years']} {ctx.tr('th', 'yr')}) | {rupiah(v['deterministic'])} | "
                         f"{rupiah(v['percentiles']['5'])} - {rupiah(v['percentiles']['95'])} |")
    return _md("\n".join(lines))


def projection_figure(ctx: Context):
    import matplotlib.pyplot as plt

    from . import plots
    fig = plt.figure(figsize=(13, 3.8))
    if ctx.projection:
        plots.projection_rows_figure(fig, ctx.projection["rows"], ctx.tr)
        fig.tight_layout()
    return fig


def validation_section(ctx: Context, experience: str):
    """A/E, updates and pricing from an experience file ("" : a note that none was given)."""
    if not experience:
        return _md(ctx.tr("Tidak ada data pengalaman klaim yang diberikan (parameter `experience`).",
                          "No claims experience was given (parameter `experience`)."))
    from ..analyses.validation import validate
    from ..inputs.experience import read_experience
    path = experience if os.path.isabs(experience) else PROJECT / experience
    v = validate(ctx.scen, read_experience(path, display=experience))
    ctx.validation = v
    lines = [f"## {ctx.tr('Validasi terhadap pengalaman', 'Validation against experience')}", ""]
    lines += [f"> {c}" for c in v["comments"]]
    lines += ["", f"| Program | {ctx.tr('Jenis', 'Type')} | {ctx.tr('Aktual', 'Actual')} | {ctx.tr('Harapan', 'Expected')} | "
              f"A/E | {ctx.tr('Interval', 'Interval')} {percent(v['confidence'], 0)} | "
              f"{ctx.tr('Bertentangan', 'Contradicts')} |", "|---|---|---:|---:|---:|---:|---|"]
    for r in v["actual_vs_expected"]:
        if r["year"] is None:
            lines.append(f"| {r['program'].upper()} | {r['claim_type']} | {number(r['actual'])} | {number(r['expected'], 1)} | "
                         f"{number(r['ratio'], 2)} | {number(r['ratio_low'], 2)} - {number(r['ratio_high'], 2)} | "
                         f"{ctx.tr('ya', 'yes') if r['contradicts'] else '-'} |")
    lines += ["", ctx.tr("Asumsi yang disarankan (Gamma-Poisson): ", "Suggested assumptions (Gamma-Poisson): ") +
              ", ".join(f"`{k}` = {number(x, 3)}" for k, x in v["suggested_assumptions"].items())]
    for prog, pr in v["pricing"].items():
        lines.append(f"- {prog.upper()}: {ctx.tr('iuran sekarang', 'contribution now')} {rupiah(pr['current_monthly'])}; "
                     f"{ctx.tr('impas', 'break-even')} {rupiah(pr['model']['break_even_monthly'])} "
                     f"({ctx.tr('dengan pengalaman', 'with experience')} {rupiah(pr['experience']['break_even_monthly'])}); "
                     f"{ctx.tr('untuk peluang', 'for a probability of')} {percent(pr['model']['target'], 0)}: "
                     f"{rupiah(pr['experience']['target_monthly'])}")
    return _md("\n".join(lines))
