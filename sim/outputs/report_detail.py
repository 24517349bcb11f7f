"""Part 5 of the report, the detail: budget reconciliation, a year's claims and their
distribution, sensitivity, JHT, the projection year by year, validation against experience, and
the assumptions with their sources.  Tables keep raw numbers (the workbook sheets "Klaim",
"Proyeksi" and "Asumsi" come from here); charts use Indonesian number formats on every axis.
"""
from __future__ import annotations

import re

from ..common.formatting import number, percent, rupiah
from ..common.i18n import t
from .report_doc import Cell, Figure, Heading, Para, Section, Table

CLAIM_TYPES = {"medical_only": ("hanya perawatan", "medical care only"),
               "temporary": ("tidak mampu bekerja sementara", "temporary incapacity"),
               "partial": ("cacat sebagian", "partial disability"), "total": ("cacat total tetap", "total disability"),
               "death": ("meninggal", "death"), "all": ("semua jenis", "all types")}
#: the model's keys of mappings shown in the assumptions table (occupations, sexes), in words
KEYS = {**CLAIM_TYPES, "farming": ("pertanian", "farming"), "livestock": ("peternakan", "livestock"),
        "fishing": ("perikanan", "fishing"), "construction": ("konstruksi", "construction"),
        "day_labour": ("buruh harian", "day labour"), "trade": ("perdagangan", "trade"),
        "transport": ("transportasi", "transport"), "craft": ("kerajinan", "craft"), "other": ("lainnya", "other"),
        "male": ("laki-laki", "male"), "female": ("perempuan", "female"), "M": ("laki-laki", "male"),
        "F": ("perempuan", "female"), "population_2023": ("populasi Indonesia 2023", "Indonesian population 2023"),
        "tmi_iv_2019": ("TMI IV 2019", "TMI IV 2019")}

#: words of the parameter sources (written in English in params/) for the Indonesian report
_SOURCE_WORDS = [("article number not verified", "nomor pasal belum diperiksa"), ("article not verified", "pasal belum diperiksa"),
                 ("single source", "satu sumber"), ("confirmed", "terkonfirmasi"), ("as quoted by", "dikutip oleh"),
                 ("quoted by", "dikutip oleh"), ("as amended by", "diubah dengan"), ("not found", "tidak ditemukan"),
                 ("assumption", "asumsi"), (" a month", " per bulan"), (" a year", " per tahun"), ("at most", "paling banyak"),
                 ("at least", "paling sedikit"), ("declared income", "penghasilan terlapor"), ("and", "dan")]


_SHORT = {"id": ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"),
          "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")}


def short_date(iso: str, lang: str) -> str:
    """``Jun 2023`` from ``2023-06-01``."""
    return f"{_SHORT[lang][int(str(iso)[5:7]) - 1]}\u00a0{str(iso)[:4]}"


def _id_numbers(text: str) -> str:
    """Numbers written the English way (``105,182``, ``0.22``) rewritten the Indonesian way."""
    def fix(m):
        tok = m.group(0)
        if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", tok):
            return tok.replace(",", "X").replace(".", ",").replace("X", ".")
        if re.fullmatch(r"\d+\.\d+", tok):
            return tok.replace(".", ",")
        return tok
    return re.sub(r"(?<![\w./-])\d[\d,.]*\d(?![\w/-]|\.\w)", fix, text)


def axis_format(ax, x: str | None = None, y: str | None = None) -> None:
    """Indonesian tick labels: ``number`` (1.250), ``millions`` (rupiah shown in millions, 1.250),
    ``percent`` (given in percent: 25%), ``fraction`` (0,02)."""
    from matplotlib.ticker import FuncFormatter

    def fmt(kind):
        if kind == "percent":
            return FuncFormatter(lambda v, _p: number(v, 0) + "%")
        if kind == "fraction":
            return FuncFormatter(lambda v, _p: number(v, 3).rstrip("0").rstrip(",") if v else "0")
        return FuncFormatter(lambda v, _p: number(v, 0 if abs(v) >= 10 or float(v).is_integer() else 1))
    if x:
        ax.xaxis.set_major_formatter(fmt(x))
    if y:
        ax.yaxis.set_major_formatter(fmt(y))


def source_text(source: str, lang: str) -> str:
    """A parameter's source as the report shows it: amounts in Indonesian format (``Rp 5.000.000``)
    and, in Indonesian, the common English words translated."""
    text = " ".join(str(source).split())
    text = re.sub(r"Rp ?(\d{1,3}(?:,\d{3})+)(?![\d.])", lambda m: rupiah(int(m.group(1).replace(",", ""))), text)
    if lang == "id":
        text = _id_numbers(text)
        for en, id_ in _SOURCE_WORDS:
            text = re.sub(rf"\b{re.escape(en.strip())}\b", id_.strip(), text)
    return text


def budget_table(ctx) -> list:
    s, b, c, tr = ctx.summary, ctx.summary["budget"], ctx.summary["contributions"], ctx.tr
    share = b.get("jht_regency_share", 0.0)
    rows = []
    for p in ("jkk", "jkm", "jht"):
        per = c[p] / 12 / max(s["workers"], 1)
        rows.append([p.upper(), per, c[p], c[p] / 12 * b["months"] * (share if p == "jht" else 1.0)])
    rows.append([t("total", ctx.lang), b["monthly_per_worker"], c["total"], b["required"]])
    out = [Heading(tr("Rekonsiliasi anggaran", "Budget reconciliation"), 3),
           Table([t("program", ctx.lang), tr("Iuran per peserta per bulan", "Per worker a month"),
                  t("contributions", ctx.lang), f"{t('required', ctx.lang)} ({b['months']} {tr('bulan', 'months')})"],
                 ["text", "rupiah", "rupiah", "rupiah"], rows, bold_last=True, widths=[1, 1.2, 1.3, 1.3],
                 note=tr(f"Alokasi {rupiah(b['allocation'])}; selisih {rupiah(b['difference'])} (negatif = kurang).",
                         f"Allocation {rupiah(b['allocation'])}; difference {rupiah(b['difference'])} (negative = shortfall)."))]
    if s["programs"]["jht"] and share < 1:
        out.append(Para(tr(f"JHT: Pemda membayar {percent(share, 0)}, peserta sisanya.",
                           f"JHT: the regency pays {percent(share, 0)}, the worker the rest.")))
    return out


def claims_table(ctx) -> list:
    s, tr, lang = ctx.summary, ctx.tr, ctx.lang
    bp = s["by_program"]
    q = lambda x: x.replace(".", ",") if lang == "id" else x  # noqa: E731
    rows = [[t("expected_claims", lang), s["expected_claims"]["jkk"], s["expected_claims"]["jkm"], s["expected_claims"]["total"]],
            [t("loss_ratio", lang)] + [Cell(s["loss_ratio"][k], "percent") for k in ("jkk", "jkm", "total")],
            [tr("Simpangan baku", "Standard deviation")] + [s["claims_sd"][k] for k in ("jkk", "jkm", "total")]]
    for k in ("50", "90", "99.5"):
        rows.append([f"{tr('Kuantil', 'Quantile')} {q(k)}%", bp["jkk"]["quantiles"][k], bp["jkm"]["quantiles"][k],
                     s["claims_quantiles"][k]])
    rows.append([f"TVaR {q('99.5')}%", bp["jkk"]["tvar_99_5"], bp["jkm"]["tvar_99_5"], s["tvar_99_5"]])
    rows.append([t("prob_exceed", lang)] + [Cell(x, "percent2") for x in (bp["jkk"]["prob_exceed_contributions"],
                                                                         bp["jkm"]["prob_exceed_contributions"],
                                                                         s["prob_claims_exceed_contributions"])])
    note = tr(f"{t('deaths', lang)}: {number(s['expected_deaths'], 1)} setahun; {t('accidents', lang).lower()}: "
              f"{number(s['expected_accidents'], 1)} (meninggal karena kecelakaan kerja {number(s['expected_work_accident_deaths'], 2)}).",
              f"{t('deaths', lang)}: {number(s['expected_deaths'], 1)} a year; {t('accidents', lang).lower()}: "
              f"{number(s['expected_accidents'], 1)} (fatal {number(s['expected_work_accident_deaths'], 2)}).")
    if "monte_carlo" in s:
        m = s["monte_carlo"]
        note += " " + tr(f"Pemeriksaan Monte Carlo ({number(m['years'])} tahun): rata-rata {rupiah(m['mean'])} ± {rupiah(m['mean_se'])}.",
                         f"Monte Carlo check ({number(m['years'])} years): mean {rupiah(m['mean'])} ± {rupiah(m['mean_se'])}.")
    elif s.get("monte_carlo_skipped"):   # a portfolio too large for the requested years (sim.common.limits)
        note += " " + s["monte_carlo_skipped"]
    return [Heading(tr("Klaim setahun", "Claims in a year"), 3),
            Table(["", "JKK", "JKM", "JKK + JKM"], ["text", "rupiah", "rupiah", "rupiah"], rows, note=note,
                  sheet=tr("Klaim", "Claims"), widths=[1.5, 1, 1, 1]),
            Figure(lambda: distribution_figure(ctx))]


def distribution_figure(ctx):
    import matplotlib.pyplot as plt

    from . import plots
    s = ctx.summary
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.4))
    labels = {"x": t("rupiah_millions", ctx.lang), "y": t("probability", ctx.lang), "var": t("var", ctx.lang),
              "contributions": t("contributions", ctx.lang)}
    for ax, key, name in zip(axes, ("jkk", "jkm", "total"), ("JKK", "JKM", "JKK + JKM")):
        contrib = s["contributions"]["jkk"] + s["contributions"]["jkm"] if key == "total" else s["contributions"][key]
        var = s["var_99_5"] if key == "total" else s["by_program"][key]["var_99_5"]
        plots.claims_distribution(ax, ctx.computed.exact[key], contrib, var, name, labels)
        axis_format(ax, x="number", y="fraction")
    fig.tight_layout()
    return fig


def tornado_figure(ctx):
    import matplotlib.pyplot as plt

    from . import plots
    rows = ctx.tornado
    base = rows[0]["base"]["loss_ratio"] * 100
    fig, ax = plt.subplots(figsize=(9, 3.4))
    lab = "label_id" if ctx.lang == "id" else "label_en"
    plots.tornado(ax, [(r[lab], r["low"]["loss_ratio"] * 100, r["high"]["loss_ratio"] * 100) for r in rows], base,
                  ctx.tr("Sensitivitas rasio klaim (JKK + JKM)", "Sensitivity of the loss ratio (JKK + JKM)"),
                  ctx.tr("rasio klaim (%)", "loss ratio (%)"))
    axis_format(ax, x="percent")
    fig.tight_layout()
    return fig


def jht_blocks(ctx) -> list:
    s, tr = ctx.summary, ctx.tr
    if not s["programs"]["jht"]:
        return [Para(tr("JHT tidak diikutkan dalam skenario ini.", "JHT is not part of this scenario."))]
    j = s["jht"]
    return [Heading("JHT", 3),
            Para(tr(f"Iuran {rupiah(j['monthly_per_worker'])} per bulan per peserta, hasil pengembangan "
                    f"{percent(j['annual_return'])} per tahun (asumsi); Pemda membayar {percent(j['regency_share'], 0)}. "
                    f"{t('jht_fund', ctx.lang)} setelah 1 tahun: {rupiah(j['fund_after_one_year'])}.",
                    f"Contribution {rupiah(j['monthly_per_worker'])} a month per worker, credited return "
                    f"{percent(j['annual_return'])} a year (assumption); the regency pays {percent(j['regency_share'], 0)}. "
                    f"{t('jht_fund', ctx.lang)} after one year: {rupiah(j['fund_after_one_year'])}.")),
            Table([tr("Tahun kepesertaan", "Years of membership"), t("jht_balance", ctx.lang)], ["int", "rupiah"],
                  [[int(y), v] for y, v in j["balance_per_worker"].items()], widths=[1, 1])]


def projection_blocks(ctx) -> list:
    p, tr, lang = ctx.projection, ctx.tr, ctx.lang
    if not p:
        return []
    m = tr(" (juta Rp)", " (Rp million)")
    names = [tr("Tahun ke", "Year"), tr("Mulai", "From"), t("workers", lang), t("required", lang), t("allocation", lang),
             t("expected_claims", lang), tr("Beasiswa", "Scholarships"), t("loss_ratio", lang),
             tr("Peluang klaim kumulatif > iuran", "P(cumulative claims > contributions)")]
    cols = [c + m if 3 <= i <= 6 else c for i, c in enumerate(names)]
    rows = [[r["year"], short_date(r["start"], lang), r["workers"], r["budget"]["required"], r["budget"]["allocation"],
             r["expected_claims"]["total"], r["scholarship"], r["loss_ratio"],
             r.get("prob_cumulative_claims_exceed_contributions")] for r in p["rows"]]
    out = [Heading(f"{tr('Proyeksi', 'Projection')} ({p['years']} {tr('tahun', 'years')})", 3),
           Para(tr(f"Kohort menua, meninggal, berhenti ({percent(ctx.scen.param('assumptions.projection.lapse_rate'), 0)} per "
                   f"tahun) dan diganti peserta baru; biaya medis naik "
                   f"{percent(ctx.scen.param('assumptions.projection.medical_inflation'), 0)} per tahun.",
                   f"The cohort ages, dies, lapses ({percent(ctx.scen.param('assumptions.projection.lapse_rate'), 0)} a year) "
                   f"and is replaced by new members; medical costs rise "
                   f"{percent(ctx.scen.param('assumptions.projection.medical_inflation'), 0)} a year.")),
           Table(cols, ["int", "text", "int", "rupiah_m", "rupiah_m", "rupiah_m", "rupiah_m", "percent", "percent"], rows,
                 sheet=tr("Proyeksi", "Projection"), widths=[0.6, 0.9, 0.8, 1.1, 1.1, 1.1, 1.1, 0.8, 1.1], sheet_columns=names,
                 sheet_note=tr("Jumlah dalam rupiah.", "Amounts in rupiah."),
                 note=tr("Jumlah dalam juta rupiah (lembar kerja Excel memuat rupiah penuh).",
                         "Amounts in millions of rupiah (the Excel workbook holds full rupiah)."))]
    if "jht_at_retirement" in p:
        out.append(Table([tr("Usia masuk", "Age at joining"), tr("Tahun sampai pensiun", "Years to retirement"),
                          tr("Saldo JHT pada usia pensiun", "JHT balance at retirement age"), tr("Persentil 5", "5th percentile"),
                          tr("Persentil 95", "95th percentile")], ["int", "int", "rupiah", "rupiah", "rupiah"],
                         [[int(age), v["years"], v["deterministic"], v["percentiles"]["5"], v["percentiles"]["95"]]
                          for age, v in p["jht_at_retirement"].items()]))
    return out


def projection_figure(ctx):
    import matplotlib.pyplot as plt

    from . import plots
    fig = plt.figure(figsize=(12, 3.6))
    plots.projection_rows_figure(fig, ctx.projection["rows"], ctx.tr)
    for ax in fig.axes:
        axis_format(ax, y="number")
    fig.tight_layout()
    return fig


def validation_blocks(ctx) -> list:
    v, tr, lang = ctx.validation, ctx.tr, ctx.lang
    if not v:
        return [Para(tr("Tidak ada data pengalaman klaim yang diberikan.", "No claims experience was given."))]
    k = 0 if lang == "id" else 1
    rows = [[r["program"].upper(), CLAIM_TYPES.get(r["claim_type"], (r["claim_type"],) * 2)[k], r["actual"], r["expected"],
             r["ratio"], f"{number(r['ratio_low'], 2)} - {number(r['ratio_high'], 2)}",
             tr("ya", "yes") if r["contradicts"] else "-"] for r in v["actual_vs_expected"] if r["year"] is None]
    out = [Heading(tr("Validasi terhadap pengalaman", "Validation against experience"), 3)]
    out += [Para(c) for c in v["comments"]]
    out.append(Table(["Program", tr("Jenis klaim", "Claim type"), tr("Aktual", "Actual"), tr("Harapan", "Expected"), "A/E",
                      f"{tr('Interval', 'Interval')} {percent(v['confidence'], 0)}", tr("Bertentangan", "Contradicts")],
                     ["text", "text", "int", "number1", "number2", "text", "text"], rows))
    sugg = ", ".join(f"{ctx.scen.params[name].label_id if lang == 'id' else ctx.scen.params[name].label_en} = {number(x, 3)}"
                     for name, x in v["suggested_assumptions"].items() if name in ctx.scen.params)
    if sugg:
        out.append(Para(tr("Asumsi yang disarankan (Gamma-Poisson): ", "Suggested assumptions (Gamma-Poisson): ") + sugg))
    return out


def _fmt_value(p, v, lang: str) -> str:
    if p.unit in ("rupiah", "rupiah_per_month"):
        return rupiah(v)
    if p.unit in ("fraction", "probability_per_year"):
        return percent(v, 2)
    if p.unit == "uncertainty":   # issue 11: {family, cv or sd, nodes}
        return ", ".join(f"{k} {x if isinstance(x, str) else number(x, 2)}" for k, x in v.items())
    if isinstance(v, dict):
        k_ = 0 if lang == "id" else 1
        return ", ".join(f"{KEYS.get(k, (k, k))[k_]}: {rupiah(x) if p.unit == 'rupiah_map' else number(x, 4 if isinstance(x, float) and x < 1 else 0)}"
                         for k, x in v.items())
    if isinstance(v, list):
        return ", ".join(number(x, 4) if isinstance(x, float) else str(x) for x in v)
    if isinstance(v, str):
        return KEYS.get(v, (v, v))[0 if lang == "id" else 1]
    return number(v, 2) if isinstance(v, float) else str(v)


def assumptions_blocks(ctx) -> list:
    tr, rows = ctx.tr, []
    for name in ctx.scen.params.names():
        p = ctx.scen.params[name]
        kind = tr("asumsi", "assumption") if p.assumption else tr("regulasi", "regulation")
        if name in ctx.scen.overrides:
            kind += tr(" (diubah skenario)", " (set by the scenario)")
        v = ctx.scen.param(name)
        scalar = isinstance(v, (int, float)) and not isinstance(v, bool)
        if scalar and p.unit in ("rupiah", "rupiah_per_month"):
            cell = Cell(v, "rupiah")
        elif scalar and p.unit in ("fraction", "probability_per_year"):
            cell = Cell(v, "percent2")
        elif scalar:
            cell = Cell(v, "int" if float(v).is_integer() and abs(v) >= 10 else "number2")
        else:
            cell = _fmt_value(p, v, ctx.lang)
        rows.append([p.label_id if ctx.lang == "id" else p.label_en, cell, kind, source_text(p.source, ctx.lang)])
    return [Heading(tr("Asumsi dan dasar hukum", "Assumptions and legal basis"), 3),
            Table([tr("Parameter", "Parameter"), tr("Nilai", "Value"), tr("Jenis", "Kind"), tr("Sumber", "Source")],
                  ["text", "text", "text", "text"], rows, sheet=tr("Asumsi", "Assumptions"), widths=[1.6, 1.3, 0.8, 2.6],
                  note=tr("Sumber dikutip seperti tertulis di berkas parameter (params/); sebagian dalam bahasa Inggris.",
                          "Sources are quoted as written in the parameter files (params/)."))]


def detail(ctx) -> Section:
    tr = ctx.tr
    sec = Section("detail").add(Heading(tr("5. Rincian", "5. Detail")))
    from .report_areas import area_blocks
    sec.add(*budget_table(ctx), *claims_table(ctx), *area_blocks(ctx))
    if ctx.tornado:
        sec.add(Heading(tr("Sensitivitas", "Sensitivity"), 3),
                Para(tr("Setiap asumsi digeser sendiri-sendiri ke nilai rendah (biru) dan tinggi (oranye); rasio klaim "
                        "harapan dihitung ulang secara tepat.",
                        "Each assumption is moved on its own to a low (blue) and a high (orange) value; the expected loss "
                        "ratio is recomputed exactly.")),
                Figure(lambda: tornado_figure(ctx), width=0.8))
    sec.add(*jht_blocks(ctx), *projection_blocks(ctx), *validation_blocks(ctx), *assumptions_blocks(ctx))
    return sec
