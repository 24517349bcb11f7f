"""Readable text output of the command line (Indonesian / English, rupiah in Indonesian format)."""
from __future__ import annotations

from ..common.formatting import label, number, percent, rupiah


def format_summary(r: dict) -> str:
    """The readable summary (Indonesian / English, rupiah in Indonesian format)."""
    yes = lambda b: "ya/yes" if b else "tidak/no"  # noqa: E731
    c, b, e, lr = r["contributions"], r["budget"], r["expected_claims"], r["loss_ratio"]
    title = r["title"]["id"] if r.get("title") else r["scenario"]
    W, T = 52, 32

    def row(id_text, en_text, value, note=""):
        text = id_text if id_text == en_text else label(id_text, en_text)
        return f"  {text:<{W}}{value:>20}{('  ' + note) if note else ''}"

    def table(id_text, en_text, fmt, values):
        return f"  {label(id_text, en_text):<{T}}" + "".join(f"{fmt(values[k]):>20}" for k in ("jkk", "jkm", "total"))

    diff = b["difference"]
    lines = [
        f"{label('Skenario', 'Scenario')}: {r['scenario']} - {title}",
        f"{label('Mulai', 'Start')}: {r['start']}   JKK {yes(r['programs']['jkk'])}, JKM {yes(r['programs']['jkm'])}, "
        f"JHT {yes(r['programs']['jht'])}"
        + (f"   {label('didanai sampai', 'funded until')} {r['funded_until']}" if r.get("funded_until") else ""),
        f"{label('Peserta', 'Workers')}: {number(r['workers'])} "
        + (f"di/in {r['villages']} desa " if r["villages"] else "(jumlah desa tidak dilaporkan / number of desa not reported) ")
        + f"({r['portfolio_source']}, seed {r['seed']})"
        + ("" if r.get("village_list") or r["portfolio_source"] != "synthetic"
           else "; daftar desa tidak tersedia / village list not available"),
        f"{label('Penghasilan dilaporkan', 'Declared income')}: {rupiah(r['declared_income_monthly'])} per bulan/month",
        "",
        label("Iuran setahun", "Contributions a year"),
        *(row(k.upper(), k.upper(), rupiah(c[k])) for k in ("jkk", "jkm", "jht")),
        row("Jumlah", "Total", rupiah(c["total"])),
        "",
        f"{label('Anggaran', 'Budget')} ({b['months']} bulan/months)",
        row("Alokasi", "Allocation", rupiah(b["allocation"])),
        row("Kebutuhan", "Required", rupiah(b["required"])),
        row("Selisih", "Difference", rupiah(diff), label("kurang", "shortfall") if diff < 0 else label("lebih", "surplus")),
        row("Tahun-peserta didanai", "Worker-years funded", number(b["funded_worker_years"])),
        row("Bulan cakupan semua peserta", "Months of cover for all", number(b["months_covered"], 2)),
        "",
        label("Kejadian harapan setahun", "Expected events a year"),
        row("Kematian bukan kerja (JKM)", "Deaths not from work", number(r["expected_deaths"], 1)),
        row("Kecelakaan kerja (JKK)", "Work accidents", number(r["expected_accidents"], 1)),
        row("Kecelakaan kerja fatal", "Fatal work accidents", number(r["expected_work_accident_deaths"], 2)),
        "",
        f"  {'':<{T}}{'JKK':>20}{'JKM':>20}{'JKK + JKM':>20}",
        table("Klaim harapan", "Expected claims", rupiah, e),
        table("Rasio klaim", "Loss ratio", percent, lr),
        table("Simpangan baku", "Std deviation", rupiah, r["claims_sd"]),
        "",
        label("Sebaran total klaim setahun (JKK + JKM; beasiswa sebagai nilai komitmen)",
              "Distribution of the year's total claims (scholarships at their commitment value)"),
        *_two_views(r, W),
    ]
    if "monte_carlo" in r:
        m = r["monte_carlo"]
        lines += ["", f"{label('Cek Monte Carlo', 'Monte Carlo check')} ({number(m['years'])} {label('tahun', 'years')})",
                  row("Rata-rata", "Mean", rupiah(m["mean"]), f"± {rupiah(m['mean_se'])} (se)"),
                  row("Peluang klaim > iuran", "P(claims > contributions)", percent(m["prob_exceed_contributions"], 2),
                      f"± {percent(m['prob_exceed_se'], 2)} (se)")]
    if r.get("monte_carlo_skipped"):
        lines += ["", r["monte_carlo_skipped"]]
    if "checks" in r:
        ch = r["checks"]
        lo, hi = ch["quantile_bounds"]["99.5"]
        lines += ["", label("Cek numerik", "Numerical checks"),
                  row("Perubahan CDF bila grid digandakan", "CDF change, grid doubled",
                      f"{ch['grid_doubling_max_cdf_change']:.1e}"),
                  row("Batas kuantil 99,5%", "99.5% quantile bounds",
                      f"{rupiah(lo)} - {rupiah(hi)}")]
    return "\n".join(lines)


def _two_views(r: dict, W: int) -> list[str]:
    """Quantiles, VaR, TVaR and P(claims > contributions): randomness of claims only, and with doubt
    about the assumptions (``with_parameter_uncertainty``) beside it when present."""
    u = r.get("with_parameter_uncertainty")
    w = 30

    def line(id_text, en_text, a, b=None):
        text = id_text if id_text == en_text else label(id_text, en_text)
        return f"  {text:<{W - 4}}{a:>{w}}" + (f"{b:>{w}}" if b is not None else "")

    head = [line("", "", "keacakan klaim saja", "dengan keraguan asumsi" if u else None),
            line("", "", "claims randomness only", "with doubt about assumptions" if u else None)]
    rows = [line("Rata-rata", "Mean", rupiah(r["expected_claims"]["total"]), rupiah(u["mean"]) if u else None),
            line("Simpangan baku", "Std deviation", rupiah(r["claims_sd"]["total"]),
                 rupiah(u["claims_sd"]["total"]) if u else None)]
    for q, v in r["claims_quantiles"].items():
        rows.append(line(f"Kuantil {number(float(q), 1 if '.' in q else 0)}%", f"{q}% quantile", rupiah(v),
                         rupiah(u["claims_quantiles"][q]) if u else None))
    rows += [line("VaR 99,5%", "VaR 99.5%", rupiah(r["var_99_5"]), rupiah(u["var_99_5"]) if u else None),
             line("TVaR 99,5%", "TVaR 99.5%", rupiah(r["tvar_99_5"]), rupiah(u["tvar_99_5"]) if u else None),
             line("Peluang klaim > iuran", "P(claims > contributions)", percent(r["prob_claims_exceed_contributions"], 2),
                  percent(u["prob_claims_exceed_contributions"], 2) if u else None)]
    return head + rows


def _runs(pairs) -> list[tuple]:
    """``(first year, last year, value)`` of each run of equal values in ``(year, value)`` pairs."""
    out = []
    for year, v in pairs:
        if out and out[-1][2] == v:
            out[-1] = (out[-1][0], year, v)
        else:
            out.append((year, year, v))
    return out


def format_projection(p: dict) -> str:
    """Year-by-year table of a projection (Indonesian / English)."""
    lines = [f"{label('Proyeksi', 'Projection')}: {p['scenario']} ({p['years']} {label('tahun', 'years')}, "
             f"{number(p['paths'])} {label('jalur', 'paths')}, seed {p['seed']})",
             f"{label('Beasiswa mulai dibayar tahun ke', 'Scholarship cost starts in year')}: {p['first_scholarship_year']}"
             f" (JKM: {p['first_jkm_scholarship_year']}); "
             f"{label('Beasiswa = nilai komitmen klaim tahun itu; Dibayar = kas tahun itu', 'Schol. = commitment of the year claims; Paid = cash paid that year')}",
             ""]
    head = (f"{'Th/Yr':>5} {'Mulai/Start':>11} {'Peserta':>8} {'Kebutuhan/Need':>18} {'Selisih/Diff':>18} "
            f"{'Klaim/Claims':>18} {'Beasiswa/Schol.':>17} {'Dibayar/Paid':>15} {'Rasio/LR':>9} {'LR kas/cash':>11} "
            f"{'P(>iuran)':>10} {'P(kum>)':>8}")
    has_jht = "jht" in p["rows"][0]
    if has_jht:
        head += f" {'Dana JHT/Fund':>18}"
    lines.append(head)
    for r in p["rows"]:
        line = (f"{r['year']:>5} {r['start']:>11} {number(r['workers']):>8} {rupiah(r['budget']['required']):>18} "
                f"{rupiah(r['budget']['difference']):>18} {rupiah(r['expected_claims']['total']):>18} "
                f"{rupiah(r['scholarship']):>17} {rupiah(r.get('scholarship_cash')):>15} {percent(r['loss_ratio']):>9} "
                f"{percent(r.get('loss_ratio_cash')):>11} "
                f"{percent(r.get('prob_claims_exceed_contributions'), 1):>10} "
                f"{percent(r.get('prob_cumulative_claims_exceed_contributions'), 1):>8}")
        if has_jht:
            line += f" {rupiah(r['jht']['fund']):>18}"
        lines.append(line)
    steps = _runs([(r["year"], r["lattice_unit"]) for r in p["rows"] if r.get("lattice_unit")])
    if len(steps) > 1:      # a coarser lattice in later years (sim.risk.exact_many.lattice_steps)
        lines += ["", f"{label('Langkah kisi sebaran klaim', 'Claims distribution lattice step')}: " + "; ".join(
            f"{rupiah(h)} ({label('tahun', 'years')} {a}-{b})" for a, b, h in steps)]
    if "jht_at_retirement" in p:
        lines += ["", label("Saldo JHT pada usia pensiun (deterministik; persentil 5-95)",
                            "JHT balance at retirement age (deterministic; 5th-95th percentile)")]
        for age, v in p["jht_at_retirement"].items():
            lines.append(f"  {label('masuk usia', 'joining at')} {age} ({v['years']} th/yr): {rupiah(v['deterministic'])}"
                         f"  ({rupiah(v['percentiles']['5'])} - {rupiah(v['percentiles']['95'])})")
    return "\n".join(lines)


def format_comparison(c: dict) -> str:
    a, b = c["a"]["scenario"], c["b"]["scenario"]
    lines = [f"{label('Perbandingan', 'Comparison')}: A = {a}, B = {b} ({c['years']} {label('tahun', 'years')})", "",
             f"{'Th/Yr':>5} {'Kebutuhan A':>18} {'Kebutuhan B':>18} {'B - A':>18} {'Dana JHT B':>18} "
             f"{'Rasio A':>9} {'Rasio B':>9}"]
    for r in c["rows"]:
        lines.append(f"{r['year']:>5} {rupiah(r['budget_required']['a']):>18} {rupiah(r['budget_required']['b']):>18} "
                     f"{rupiah(r['budget_required']['difference']):>18} {rupiah(r['jht_fund']['b']):>18} "
                     f"{percent(r['loss_ratio']['a']):>9} {percent(r['loss_ratio']['b']):>9}")
    t = c["total_budget_required"]
    lines += ["", f"{label('Jumlah kebutuhan', 'Total need')}: A {rupiah(t['a'])}, B {rupiah(t['b'])}, "
              f"B - A {rupiah(t['difference'])}"]
    return "\n".join(lines)


def _experience_years(v: dict) -> list[str]:
    """Year-by-year expected claims, the share reported and the Bornhuetter-Ferguson ultimate."""
    rep = v.get("reporting")
    if not rep:
        return []
    src = label("pola diasumsikan", "assumed pattern") if rep["source"] == "assumed" else \
        label("segitiga pengembangan", "development triangle")
    lines = ["", f"{label('Per tahun pengalaman', 'By experience year')} ({label('dinilai akhir', 'valued at the end of')} "
             f"{rep['valued_at_end_of']}; {label('bagian terlapor', 'share reported')}: {src})",
             f"{'Program':<8}{'Tahun':>6}{'Terlapor':>9}{'Harapan':>9}{'Aktual':>8}{'Rp/klaim':>16}"
             f"{'Ultimate BF':>13}{'Ultimate BF Rp':>20}"]
    for r in v["experience_years"]:
        lines.append(f"{r['program'].upper():<8}{r['year']:>6}{percent(r['reported_share'], 0):>9}"
                     f"{number(r['expected_reported_count'], 1):>9}{number(r['actual_count']):>8}"
                     f"{rupiah(r['mean_amount']):>16}{number(r['ultimate_count_bf'], 1):>13}"
                     f"{rupiah(r['ultimate_amount_bf']):>20}")
    return lines


def format_validation(v: dict) -> str:
    """Readable A/E table, updates, village credibility and pricing checks."""
    lines = [f"{label('Validasi asumsi', 'Validating assumptions')}: {v['scenario']} "
             f"({label('keyakinan', 'confidence')} {percent(v['confidence'], 0)})"]
    lines += [f"  # {c}" for c in v["comments"]]
    lines += ["", f"{'Program':<8}{'Jenis/Type':<14}{'Tahun':>6}{'Aktual':>8}{'Harapan':>9}{'A/E':>8}"
              f"{'Interval':>17}{'A/E Rp':>8}  {label('Bertentangan?', 'Contradicts?')}"]
    for r in v["actual_vs_expected"]:
        yr = "semua" if r["year"] is None else str(r["year"])
        lines.append(f"{r['program'].upper():<8}{r['claim_type']:<14}{yr:>6}{number(r['actual']):>8}"
                     f"{number(r['expected'], 1):>9}{number(r['ratio'], 2):>8}"
                     f"{number(r['ratio_low'], 2) + ' - ' + number(r['ratio_high'], 2):>17}"
                     f"{number(r['amount_ratio'], 2):>8}  {'YA / YES' if r['contradicts'] else '-'}")
    lines += _experience_years(v)
    lines += ["", label("Pembaruan Gamma-Poisson (per tahun-peserta)", "Gamma-Poisson update (per worker-year)")]
    for prog, u in v["updates"].items():
        p = u["predictive"]
        lines.append(f"  {prog.upper()}: {label('asumsi', 'assumed')} {u['prior_rate']:.5f} -> {label('posterior', 'posterior')} "
                     f"{u['posterior_rate']:.5f} (90%: {u['low_90']:.5f} - {u['high_90']:.5f}; Z = {number(u['credibility'], 2)}); "
                     f"{label('klaim tahun depan', 'next year')}: {rupiah(p['mean'])}, 99,5% {rupiah(p['quantiles']['99.5'])}")
    lines += ["", label("Asumsi yang disarankan", "Suggested assumptions") + ": " +
              ", ".join(f"{k} = {number(x, 3)}" for k, x in v["suggested_assumptions"].items())]
    if v.get("suggested_uncertainty"):
        lines.append("  " + label("Keraguan sesudah pengalaman", "Doubt after the experience") + ": " +
                     ", ".join(f"{k.rsplit('.', 1)[1]} gamma cv {number(x['cv'], 3)}"
                               for k, x in v["suggested_uncertainty"].items()))
    for prog, bs in v["villages"].items():
        if not bs:
            continue
        zs = [x["z"] for x in bs["villages"]]
        lines.append(f"  Buhlmann-Straub {prog.upper()}: k = {number(bs['k'], 0) if bs['k'] is not None else '∞'}, "
                     f"Z desa/village {number(min(zs), 2)} - {number(max(zs), 2)}, "
                     f"{label('frekuensi kolektif', 'collective rate')} {bs['collective_rate']:.5f}")
    lines += ["", label("Cek tarif (iuran per peserta per bulan)", "Pricing check (contribution per worker a month)")]
    for prog, pr in v["pricing"].items():
        m, e = pr["model"], pr["experience"]
        lines.append(f"  {prog.upper()}: {label('sekarang', 'now')} {rupiah(pr['current_monthly'])}; "
                     f"{label('impas', 'break-even')} {rupiah(m['break_even_monthly'])} ({label('pengalaman', 'experience')} "
                     f"{rupiah(e['break_even_monthly'])}); {label('peluang', 'probability')} {percent(m['target'], 0)}: "
                     f"{rupiah(m['target_monthly'])} ({rupiah(e['target_monthly'])})")
    return "\n".join(lines)


BUNDLE_NAMES = {"jkk+jkm": "JKK + JKM", "jkk+jkm+jht": "JKK + JKM + JHT"}


def format_plan(p: dict) -> str:
    """The budget planner's answer (``python -m sim plan``): Indonesian first, English after."""
    b = {x["key"]: x for x in p["bundles"]}
    base, full = b["jkk+jkm"], b["jkk+jkm+jht"]
    keys = ("jkk+jkm", "jkk+jkm+jht")
    W, C = 66, 20
    months, workers = p["months"], p["workers"]

    def row(id_text, en_text, fmt, field):
        return f"  {label(id_text, en_text):<{W}}" + "".join(f"{fmt(b[k][field]):>{C}}" for k in keys)

    def gap_id(x):
        return f"kurang {rupiah(-x)}" if x < 0 else f"sisa {rupiah(x)}"

    def gap_en(x):
        return f"short by {rupiah(-x)}" if x < 0 else f"{rupiah(x)} left over"

    title = p["title"]["id"] if p.get("title") else p["scenario"]
    until = p["funded_until"] or label("terbuka", "open-ended")
    lines = [
        f"{label('Perencana anggaran', 'Budget planner')}: {p['scenario']} - {title}",
        f"{label('Mulai', 'Start')}: {p['start']}; {label('didanai sampai', 'funded until')}: {until}",
        f"{label('Alokasi', 'Allocation')}: {rupiah(p['allocation'])} {label('untuk', 'for')} {number(months)} "
        f"{label('bulan', 'months')}; {label('peserta terdaftar', 'enrolled workers')}: {number(workers)}",
    ]
    if p["months"] < p["months_asked"]:
        lines.append(f"  ({number(p['months_asked'])} {label('bulan diminta, dipotong oleh budget.funded_until', 'months asked, cut at budget.funded_until')})")
    lines += [
        "",
        f"  {'':<{W}}" + "".join(f"{BUNDLE_NAMES[k]:>{C}}" for k in keys),
        row("Iuran per peserta sebulan", "Contribution per worker a month", rupiah, "monthly_per_worker"),
        row(f"Kebutuhan {number(workers)} peserta, {number(months)} bulan", "Required", rupiah, "required"),
        row("Selisih (alokasi - kebutuhan)", "Difference", rupiah, "difference"),
        row(f"Peserta maksimal didanai {number(months)} bulan", "Most workers funded in full", number, "max_workers"),
        row("Bulan cakupan untuk semua peserta", "Months of cover for all", lambda x: number(x, 2), "months_covered"),
        "",
        label("Artinya", "In plain words") + ":",
        f"  {rupiah(p['allocation'])} mendanai {number(base['max_workers'])} peserta selama {number(months)} bulan "
        f"(JKK + JKM), atau {number(full['max_workers'])} peserta dengan JHT.",
        f"  / funds {number(base['max_workers'])} workers for {number(months)} months (JKK + JKM), "
        f"or {number(full['max_workers'])} with JHT.",
        f"  Untuk {number(workers)} peserta: JKK + JKM {gap_id(base['difference'])}; dengan JHT {gap_id(full['difference'])}.",
        f"  / For {number(workers)} workers: JKK + JKM {gap_en(base['difference'])}; with JHT {gap_en(full['difference'])}.",
        "",
        f"{label('Kebutuhan per tahun anggaran APBD (Januari-Desember)', 'Need by APBD fiscal year (January-December)')}",
        f"  {'Tahun/Year':<11}{'Bulan/Months':>13}{'Peserta/Workers':>17}{'JKK + JKM':>20}{'JKK + JKM + JHT':>20}"
        f"{'Alokasi/Allocation':>20}{'Selisih/Diff (JKK+JKM)':>24}",
    ]
    for y in p["fiscal_years"]:
        lines.append(f"  {y['year']:<11}{number(y['months']):>13}{number(y['workers']):>17}"
                     f"{rupiah(y['required']['jkk+jkm']):>20}{rupiah(y['required']['jkk+jkm+jht']):>20}"
                     f"{rupiah(y['allocation']):>20}{rupiah(y['difference']['jkk+jkm']):>24}")
    lines += ["", *format_funding_stop(p["if_funding_stops"])]
    return "\n".join(lines)


def _wrapped(text: str, first: str, rest: str, width: int = 110) -> list[str]:
    import textwrap
    # "Rp" stays with its amount: a no-break space while wrapping
    lines = textwrap.wrap(text.replace("Rp ", "Rp\u00a0"), width, initial_indent=first, subsequent_indent=rest,
                          break_on_hyphens=False)
    return [x.replace("Rp\u00a0", "Rp ") for x in lines]


def format_funding_stop(s: dict) -> list[str]:
    """What stopping the funding means, in plain words (each point in Indonesian, then English)."""
    u, j = s["uninsured_a_year"], s["jht"]
    m = number(s["months"])
    head = (label("Jika pendanaan berhenti setelah setahun", "If funding stops after a year") if s["hypothetical"]
            else label(f"Pendanaan berhenti (budget.funded_until), setelah {m} bulan",
                       f"Funding stops (budget.funded_until), after {m} months"))
    deaths, acc, exp = number(u["deaths"], 1), number(u["work_accidents"], 1), rupiah(u["expected_claims"])
    end = s["cover_ends"]
    points = [(f"Cakupan JKK dan JKM berakhir {end}: kecelakaan kerja dan kematian sesudahnya tidak dijamin (sekitar "
               f"{deaths} kematian dan {acc} kecelakaan kerja setahun; klaim harapan {exp} setahun).",
               f"JKK and JKM cover ends on {end}: later work accidents and deaths are not insured (about {deaths} "
               f"deaths and {acc} work accidents a year; expected claims {exp} a year).")]
    need, paid = number(s["jkm_scholarship_min_months"]), number(s["membership_months_at_stop"])
    if s["jkm_scholarship_payable"]:
        points.append((f"Beasiswa JKM (syarat {need} bulan iuran) dibayar hanya untuk kematian sampai {end}.",
                       f"The JKM scholarship ({need} months of contributions) is paid only for deaths up to {end}."))
    else:
        since = s["jkm_scholarship_from_if_continued"]
        points.append((f"Syarat {need} bulan iuran untuk beasiswa JKM tidak pernah terpenuhi ({paid} bulan dibayar); "
                       f"bila didanai terus, beasiswa berlaku untuk kematian mulai {since}.",
                       f"The {need}-month condition for JKM scholarships is never met ({paid} months paid); with "
                       f"continued funding it applies to deaths from {since}."))
    yrs, r = number(j["years_compared"]), percent(j["annual_return"])
    points.append((f"JHT: saldo per peserta {rupiah(j['balance_at_stop'])} tidak lagi bertambah dari iuran; setelah {yrs} "
                   f"tahun menjadi {rupiah(j['balance_stopped'])} (hanya hasil pengembangan {r} setahun), dibanding "
                   f"{rupiah(j['balance_continued'])} bila iuran berlanjut.",
                   f"JHT: the balance per worker, {rupiah(j['balance_at_stop'])}, gets no more contributions; after {yrs} "
                   f"years it is {rupiah(j['balance_stopped'])} (credited return of {r} a year only) against "
                   f"{rupiah(j['balance_continued'])} with contributions continuing."))
    nxt = s["next_12_months_not_paid"]
    a, b = rupiah(nxt["jkk+jkm"]), rupiah(nxt["jkk+jkm+jht"])
    points.append((f"Tidak dibayar dalam 12 bulan berikutnya: {a} (JKK + JKM), {b} (dengan JHT).",
                   f"Not paid in the next 12 months: {a} (JKK + JKM), {b} (with JHT)."))
    lines = [f"{head}:"]
    for id_text, en_text in points:
        lines += _wrapped(id_text, "  - ", "    ") + _wrapped("/ " + en_text, "    ", "      ")
    return lines


def format_published(v: dict) -> str:
    """A published total against the model: A/E range, what would reconcile it, the verdict."""
    p, m = v["published"], v["model"]
    if v["ae_count"] is None:
        return f"{label('Angka publikasi', 'Published total')}: {p['label']['id']}\n{v['verdict']['id']}\n{v['verdict']['en']}"
    d = v["mean_reporting_delay_reconciling_years"]
    delay = " - ".join("-" if x is None else number(x, 1) for x in d)
    return "\n".join([
        f"{label('Angka publikasi', 'Published total')}: {p['label']['id']}",
        f"  {p['source']}",
        f"  {label('Periode', 'Period')} {p['period'][0]} - {p['period'][1]}; {number(p['claims'])} "
        f"{label('klaim', 'claims')}, {rupiah(p['amount'])} ({p['amount_basis']}); "
        f"{label('tahun-peserta', 'worker-years')} {number(p['exposure_worker_years'][0])} - "
        f"{number(p['exposure_worker_years'][1])} ({label('cakupan tidak pasti', 'scope uncertain')})",
        "",
        f"Model ({v['scenario']}): {number(m['claims_per_worker_year'] * 1000, 2)} "
        f"{label('klaim per 1.000 tahun-peserta', 'claims per 1,000 worker-years')}, "
        f"{rupiah(m['amount_per_worker_year'])} {label('per tahun-peserta', 'a worker-year')}; "
        f"{label('untuk skenario sendiri', 'for the scenario itself')}: {number(m['expected_claims'], 1)} "
        f"{label('klaim', 'claims')}, {rupiah(m['expected_amount'])}",
        f"  {label('Klaim harapan', 'Expected claims')}: {number(v['expected_claims'][0], 1)} - "
        f"{number(v['expected_claims'][1], 1)}; A/E {number(v['ae_count']['low'], 2)} - {number(v['ae_count']['high'], 2)} "
        f"({label('dengan interval Poisson', 'with the Poisson interval')} {number(v['ae_count']['interval_low'], 2)} - "
        f"{number(v['ae_count']['interval_high'], 2)}); A/E Rp {number(v['ae_amount']['low'], 2)} - "
        f"{number(v['ae_amount']['high'], 2)}",
        f"  {label('Take-up yang mendamaikan', 'Take-up that would reconcile it')}: "
        f"{number(v['take_up_reconciling'][0], 2)} - {number(v['take_up_reconciling'][1], 2)} (claims.take_up)",
        f"  {label('Rata-rata keterlambatan lapor yang mendamaikan', 'Mean reporting delay that would reconcile it')}: "
        f"{delay} {label('tahun', 'years')}",
        "",
        v["verdict"]["id"],
        v["verdict"]["en"],
    ])
