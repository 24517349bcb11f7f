"""The report's parts in plain words, for a budget office and the DPRD: what the money buys and
the options, who bears which cost, what could go wrong and how likely, the multi-year view with
the scholarship step, and the glossary.  Every figure is read from the prepared context
(:class:`sim.outputs.report.Context`); none is computed here beyond a difference or a ratio of two
figures shown beside it.
"""
from __future__ import annotations

from ..common.formatting import number, percent, rupiah
from .report_doc import Bullets, Cell, Figure, Heading, Para, Section, Table

_MONTHS = {"id": ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
                  "November", "Desember"),
           "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                  "November", "December")}


def long_date(iso: str, lang: str) -> str:
    """``1 Juni 2023`` (or ``1 June 2023``) from ``2023-06-01``."""
    y, m, d = (int(x) for x in str(iso)[:10].split("-"))
    return f"{d} {_MONTHS[lang][m - 1]} {y}"


def _bundle_name(b: dict) -> str:
    return " + ".join(p.upper() for p in b["programs"])


def _transposed(a: int, b: int) -> bool:
    """Two counts written with the same digits in another order (a likely typing slip)."""
    return a != b and sorted(str(a)) == sorted(str(b))


def _villages(s: dict, lang: str) -> str:
    """"peserta di 69 desa", or that no village list or count exists for the regency (params/ntt)."""
    if s.get("villages"):
        return f"peserta di {s['villages']} desa" if lang == "id" else f"workers in {s['villages']} desa"
    return ("peserta (jumlah desa tidak dilaporkan; daftar desa kabupaten ini tidak tersedia)" if lang == "id"
            else "workers (number of desa not reported; no village list for this regency)")


def opening(ctx) -> Section:
    """Title, then what the money buys and the options, in plain words."""
    s, b = ctx.summary, ctx.summary["budget"]
    tr = ctx.tr
    alloc, need, months, workers = b["allocation"], b["required"], b["months"], s["workers"]
    m = b["monthly_per_worker"]
    progs = " + ".join(p.upper() for p, on in s["programs"].items() if on)
    sec = Section("opening").add(
        Heading(ctx.title, 1),
        Para(tr(f"Laporan untuk Pemerintah Kabupaten dan DPRD · skenario {s['scenario']} · mulai "
                f"{long_date(s['start'], 'id')} · {progs} · {number(workers)} {_villages(s, 'id')} · "
                f"penghasilan terlapor {rupiah(s['declared_income_monthly'])} per bulan · dibuat "
                f"{long_date(ctx.made_on, 'id')}",
                f"Report for the regency government and the DPRD · scenario {s['scenario']} · starting "
                f"{long_date(s['start'], 'en')} · {progs} · {number(workers)} {_villages(s, 'en')} · "
                f"declared income {rupiah(s['declared_income_monthly'])} a month · made on {long_date(ctx.made_on, 'en')}")),
        Heading(tr("1. Apa yang dibeli anggaran ini", "1. What the money buys")))
    if m <= 0:
        return sec.add(Para(tr("Tidak ada program yang dibiayai dalam skenario ini.", "No programme is funded in this scenario.")))
    fund_n = int(alloc // (m * months) + 1e-9) if m > 0 else 0
    lines = [tr(f"Alokasi {rupiah(alloc)} membayar iuran {progs} ({rupiah(m)} per peserta per bulan) untuk "
                f"**{number(fund_n)} peserta selama {months} bulan**.",
                f"The allocation of {rupiah(alloc)} pays the {progs} contributions ({rupiah(m)} per worker a month) for "
                f"**{number(fund_n)} workers for {months} months**.")]
    gap = b["difference"]
    if gap < 0:
        lines.append(tr(f"Peserta terdaftar {number(workers)}: untuk menanggung semuanya selama {months} bulan dibutuhkan "
                        f"{rupiah(need)}, jadi anggaran **kurang {rupiah(-gap)}** (cukup untuk "
                        f"{number(b['months_covered'], 2)} bulan).",
                        f"{number(workers)} workers are enrolled: covering all of them for {months} months needs "
                        f"{rupiah(need)}, so the budget is **short by {rupiah(-gap)}** (enough for "
                        f"{number(b['months_covered'], 2)} months)."))
        if abs(fund_n * m * months - alloc) < 1:
            slip = _transposed(fund_n, workers)
            lines.append(tr(f"Alokasi ini tepat sama dengan {number(fund_n)} × {rupiah(m)} × {months}: anggaran dihitung "
                            f"untuk {number(fund_n)} peserta."
                            + (f" {number(fund_n)} dan {number(workers)} memakai angka yang sama dengan urutan lain, "
                               "kemungkinan salah ketik; periksa jumlah peserta sebelum menambah anggaran." if slip else ""),
                            f"The allocation is exactly {number(fund_n)} × {rupiah(m)} × {months}: the budget was worked "
                            f"out for {number(fund_n)} workers."
                            + (f" {number(fund_n)} and {number(workers)} are the same digits in another order, most likely "
                               "a typing slip; check the enrolment count before topping up." if slip else "")))
    else:
        lines.append(tr(f"Semua {number(workers)} peserta terdaftar tertanggung selama {months} bulan; sisa {rupiah(gap)}.",
                        f"All {number(workers)} enrolled workers are covered for {months} months; {rupiah(gap)} is left over."))
    sec.add(Para(" ".join(lines)), Para(tr("**Pilihan:**", "**Options:**")))
    opts = []
    if gap < 0:
        days = round((months - b["months_covered"]) * 365.25 / 12)
        opts += [tr(f"Danai {number(fund_n)} peserta selama {months} bulan dengan alokasi yang ada "
                    f"({number(workers - fund_n)} peserta tidak tertanggung).",
                    f"Fund {number(fund_n)} workers for {months} months with the present allocation "
                    f"({number(workers - fund_n)} workers left without cover)."),
                 tr(f"Tambah {rupiah(-gap)} (menjadi {rupiah(need)}) agar {number(workers)} peserta tertanggung {months} bulan.",
                    f"Top up {rupiah(-gap)} (to {rupiah(need)}) to cover all {number(workers)} workers for {months} months."),
                 tr(f"Tanggung semua {number(workers)} peserta selama {number(b['months_covered'], 2)} bulan "
                    f"(cakupan berakhir sekitar {days} hari lebih awal).",
                    f"Cover all {number(workers)} workers for {number(b['months_covered'], 2)} months "
                    f"(cover ends about {days} days early).")]
    now_jht = bool(s["programs"]["jht"])
    other = next((o for o in ctx.options if ("jht" in o["programs"]) != now_jht), None)
    if other is not None:
        extra = other["required"] - alloc
        name = _bundle_name(other)
        verb = tr("Tambahkan JHT (tabungan hari tua)", "Add JHT (old-age savings)") if not now_jht else \
            tr("Tanpa JHT", "Without JHT")
        opts.append(tr(f"{verb}: iuran {rupiah(other['monthly_per_worker'])} per peserta per bulan ({name}); "
                       f"kebutuhan {rupiah(other['required'])}, "
                       + (f"yaitu {rupiah(extra)} lebih dari alokasi" if extra > 0 else f"sisa {rupiah(-extra)}")
                       + f"; atau dengan alokasi yang sama {number(other['max_workers'])} peserta selama {months} bulan.",
                       f"{verb}: {rupiah(other['monthly_per_worker'])} per worker a month ({name}); the need becomes "
                       f"{rupiah(other['required'])}, "
                       + (f"{rupiah(extra)} more than the allocation" if extra > 0 else f"{rupiah(-extra)} to spare")
                       + f"; or, with the same allocation, {number(other['max_workers'])} workers for {months} months."))
    sec.add(Bullets(opts))
    cols = [tr("Paket program", "Programmes"), tr("Iuran per peserta per bulan", "Per worker a month"),
            tr(f"Kebutuhan {months} bulan, {number(workers)} peserta", f"Need, {months} months, {number(workers)} workers"),
            tr("Selisih dengan alokasi", "Allocation minus need"),
            tr(f"Peserta terdanai {months} bulan", f"Workers funded {months} months"),
            tr("Bulan cakupan untuk semua", "Months of cover for all")]
    rows = [[_bundle_name(o), o["monthly_per_worker"], o["required"], alloc - o["required"], o["max_workers"],
             o["months_covered"]] for o in ctx.options]
    sec.add(Table(cols, ["text", "rupiah", "rupiah", "rupiah", "int", "number2"], rows, widths=[1.2, 1, 1.3, 1.3, 1, 1],
                  note=tr(f"Alokasi {rupiah(alloc)}. Selisih negatif berarti kurang.",
                          f"Allocation {rupiah(alloc)}. A negative difference is a shortfall.")))
    return sec.add(key_figures_table(ctx))


def key_figures_table(ctx) -> Table:
    """The summary sheet: the headline figures with their units."""
    s, b, tr = ctx.summary, ctx.summary["budget"], ctx.tr
    rows = [
        [tr("Alokasi", "Allocation"), Cell(b["allocation"], "rupiah")],
        [tr(f"Kebutuhan {b['months']} bulan", f"Need for {b['months']} months"), Cell(b["required"], "rupiah")],
        [tr("Selisih (negatif = kurang)", "Difference (negative = shortfall)"), Cell(b["difference"], "rupiah")],
        [tr("Peserta terdaftar", "Workers enrolled"), Cell(s["workers"], "int")],
        [tr("Tahun-peserta terdanai", "Worker-years funded"), Cell(b["funded_worker_years"], "int")],
        [tr("Bulan cakupan untuk semua peserta", "Months of cover for everyone"), Cell(b["months_covered"], "number2")],
        [tr("Iuran setahun (semua program)", "Contributions a year (all programmes)"), Cell(s["contributions"]["total"], "rupiah")],
        [tr("Klaim harapan setahun (JKK + JKM)", "Expected claims a year (JKK + JKM)"), Cell(s["expected_claims"]["total"], "rupiah")],
        [tr("Rasio klaim (JKK + JKM)", "Loss ratio (JKK + JKM)"), Cell(s["loss_ratio"]["total"], "percent")],
        [tr("Peluang klaim setahun > iuran", "P(a year's claims > contributions)"),
         Cell(s["prob_claims_exceed_contributions"], "percent2")],
        ["VaR 99,5%" if ctx.lang == "id" else "VaR 99.5%", Cell(s["var_99_5"], "rupiah")],
        ["TVaR 99,5%" if ctx.lang == "id" else "TVaR 99.5%", Cell(s["tvar_99_5"], "rupiah")],
    ]
    return Table([tr("Angka utama", "Key figures"), tr("Nilai", "Value")], ["text", "rupiah"], rows,
                 sheet=tr("Ringkasan", "Summary"), widths=[2.2, 1])


def _one_in(p: float | None, lang: str) -> str:
    """``sekitar 1 tahun dari 20`` for a yearly probability, in words a council reads."""
    k = 0 if lang == "id" else 1
    if p is None:
        return ("peluang tidak tersedia", "probability not available")[k]
    if p < 0.001:
        return ("kurang dari 1 tahun dari 1.000", "less than 1 year in 1.000")[k]
    if p >= 0.5:
        return ("lebih sering daripada tidak", "more often than not")[k]
    n = 1 / p
    n = round(n) if n < 20 else round(n, -1) if n < 200 else round(n, -2)
    return (f"sekitar 1 tahun dari {number(n)}", f"about 1 year in {number(n)}")[k]


def who_pays(ctx) -> Section:
    s, b, tr = ctx.summary, ctx.summary["budget"], ctx.tr
    share = b.get("jht_regency_share", 0.0)
    pays = min(b["allocation"], b["required"])
    rows = [
        [tr("Pemerintah Kabupaten (APBD, melalui APBDes)", "Regency government (APBD, through the village budgets)"),
         tr("Iuran peserta yang didanai; biayanya pasti dan tidak ikut naik bila klaim tinggi",
            "Contributions of the workers it funds; a fixed cost that does not rise with claims"), Cell(pays, "rupiah")],
        [tr("BPJS Ketenagakerjaan", "BPJS Ketenagakerjaan"),
         tr("Manfaat JKK dan JKM (klaim harapan setahun); bila klaim melebihi iuran, BPJS yang menanggung",
            "JKK and JKM benefits (expected claims a year); when claims exceed contributions, BPJS bears the loss"),
         Cell(s["expected_claims"]["total"], "rupiah")],
        [tr("Pekerja", "Workers"),
         tr("Tidak membayar iuran JKK/JKM; yang tidak terdanai tidak terlindungi",
            "Pay no JKK/JKM contribution; those not funded have no cover"), Cell(None, "rupiah")],
    ]
    if s["programs"]["jht"]:
        worker_jht = s["contributions"]["jht"] / 12 * b["months"] * (1 - share)
        if share < 1:
            rows[2] = [tr("Pekerja", "Workers"),
                       tr(f"Bagian JHT pekerja ({percent(1 - share, 0)}); saldo JHT menjadi milik pekerja",
                          f"The workers' share of JHT ({percent(1 - share, 0)}); JHT balances belong to the workers"),
                       Cell(worker_jht, "rupiah")]
        else:
            rows[2][1] = tr("Tidak membayar iuran; saldo JHT menjadi milik pekerja; yang tidak terdanai tidak terlindungi",
                            "Pay no contribution; JHT balances belong to the workers; those not funded have no cover")
    rows.append([tr("Keluarga / ahli waris", "Families / heirs"),
                 tr("Menerima santunan kematian, biaya pemakaman dan beasiswa anak",
                    "Receive death benefits, funeral costs and children's scholarships"), Cell(None, "rupiah")])
    return Section("who_pays").add(
        Heading(tr("2. Siapa menanggung biaya apa", "2. Who bears which cost")),
        Para(tr("Pemda membayar iuran; BPJS Ketenagakerjaan menanggung klaim. Jadi risiko tahun klaim yang buruk ada "
                "pada BPJS, bukan pada APBD; risiko APBD adalah kekurangan anggaran dan berhentinya pendanaan.",
                "The regency pays contributions; BPJS Ketenagakerjaan bears the claims. A bad claims year is BPJS's "
                "risk, not the budget's; the budget's risks are a shortfall and funding that stops.")),
        Table([tr("Pihak", "Party"), tr("Menanggung", "Bears"), tr("Setahun", "A year")], ["text", "text", "rupiah"], rows,
              widths=[1.3, 2.6, 1]))


def risks(ctx) -> Section:
    s, b, tr = ctx.summary, ctx.summary["budget"], ctx.tr
    lang = ctx.lang
    items = [tr(f"**Tahun klaim buruk (risiko BPJS).** Klaim setahun melebihi iuran JKK + JKM dengan peluang "
                f"{percent(s['prob_claims_exceed_contributions'], 2)}, {_one_in(s['prob_claims_exceed_contributions'], 'id')}. "
                f"Satu tahun dari 200 klaim melebihi {rupiah(s['var_99_5'])} (VaR 99,5%); rata-rata tahun-tahun seburuk "
                f"itu {rupiah(s['tvar_99_5'])} (TVaR 99,5%).",
                f"**A bad claims year (BPJS's risk).** A year's claims exceed the JKK + JKM contributions with "
                f"probability {percent(s['prob_claims_exceed_contributions'], 2)}, {_one_in(s['prob_claims_exceed_contributions'], 'en')}. "
                f"One year in 200 claims exceed {rupiah(s['var_99_5'])} (VaR 99.5%); such years average "
                f"{rupiah(s['tvar_99_5'])} (TVaR 99.5%).")]
    if ctx.tornado:
        top = max(ctx.tornado, key=lambda r: abs(r["high"]["loss_ratio"] - r["low"]["loss_ratio"]))
        label = top["label_id"] if lang == "id" else top["label_en"]
        lo, hi = sorted((top["low"]["loss_ratio"], top["high"]["loss_ratio"]))
        items.append(tr(f"**Asumsi yang keliru.** Asumsi paling berpengaruh: {label}; dalam rentang yang masuk "
                        f"akal rasio klaim antara {percent(lo)} dan {percent(hi)} (harapan {percent(s['loss_ratio']['total'])}).",
                        f"**Wrong assumptions.** The most influential assumption: {label}; over its plausible "
                        f"range the loss ratio lies between {percent(lo)} and {percent(hi)} (expected "
                        f"{percent(s['loss_ratio']['total'])})."))
    if b["difference"] < 0:
        items.append(tr(f"**Anggaran kurang (risiko APBD, pasti terjadi bila tidak ditambah).** Kurang {rupiah(-b['difference'])}: "
                        f"sebagian peserta tanpa perlindungan atau cakupan berhenti sebelum akhir tahun.",
                        f"**A shortfall (the budget's risk, certain unless topped up).** {rupiah(-b['difference'])} short: "
                        "some workers go without cover or cover stops before the year ends."))
    items.append(_funding_stops(ctx))
    items.append(_published(ctx))
    sec = Section("risks").add(Heading(tr("3. Apa yang bisa salah dan seberapa mungkin", "3. What could go wrong and how likely")),
                               Bullets(items))
    cols = [tr("Ukuran (klaim JKK + JKM setahun)", "Measure (a year's JKK + JKM claims)"),
            tr("Hanya keacakan klaim", "Randomness of claims only")]
    q = s["claims_quantiles"]
    measures = [("prob_claims_exceed_contributions", tr("Peluang klaim > iuran", "P(claims > contributions)"), "percent2"),
                ("median", tr("Median (kuantil 50%)", "Median (50% quantile)"), "rupiah"),
                ("q90", tr("Kuantil 90%", "90% quantile"), "rupiah"),
                ("var_99_5", "VaR 99,5%" if lang == "id" else "VaR 99.5%", "rupiah"),
                ("tvar_99_5", "TVaR 99,5%" if lang == "id" else "TVaR 99.5%", "rupiah"),
                ("sd", tr("Simpangan baku", "Standard deviation"), "rupiah")]

    def pick(src: dict, key: str):
        if key == "median":
            return src.get("claims_quantiles", {}).get("50")
        if key == "q90":
            return src.get("claims_quantiles", {}).get("90")
        if key == "sd":
            sd = src.get("claims_sd")
            return sd.get("total") if isinstance(sd, dict) else sd
        return src.get(key)

    rows = [[label, Cell(pick(s, key), kind)] for key, label, kind in measures]
    rows[1][1] = Cell(q.get("50"), "rupiah")
    # --- PARAMETER UNCERTAINTY (issue 11): shown once `summarize` gives `with_parameter_uncertainty`
    # (same keys as the process-only figures: claims_quantiles, var_99_5, tvar_99_5,
    # prob_claims_exceed_contributions, claims_sd). ---
    pu = s.get("with_parameter_uncertainty")
    if isinstance(pu, dict):
        cols.append(tr("Dengan keraguan atas asumsi", "With doubt about the assumptions"))
        for row, (key, _label, kind) in zip(rows, measures):
            row.append(Cell(pick(pu, key), kind))
        note = tr("Kolom kedua juga memperhitungkan ketidakpastian asumsi (tingkat kematian, frekuensi kecelakaan, "
                  "biaya medis, umur peserta, beasiswa): peluang tahun buruk lebih besar.",
                  "The second column also allows for doubt about the assumptions (mortality, accident frequency, "
                  "medical costs, members' ages, scholarships): bad years are more likely.")
    else:
        note = tr("Angka ini hanya memperhitungkan keacakan klaim dengan asumsi yang tetap; keraguan atas asumsi "
                  "(lihat Sensitivitas) membuat tahun buruk lebih mungkin.",
                  "These figures count only the randomness of claims under fixed assumptions; doubt about the "
                  "assumptions (see Sensitivity) makes bad years more likely.")
    return sec.add(Table(cols, ["text"] + ["rupiah"] * (len(cols) - 1), rows, note=note,
                         widths=[2] + [1.2] * (len(cols) - 1)))


def _cash_note(row: dict, lang: str) -> str:
    """Issue 11: the same year's loss ratio with scholarships counted when paid (cash basis)."""
    if row.get("loss_ratio_cash") is None:
        return ""
    return (f" (basis kas, beasiswa saat dibayar: {percent(row['loss_ratio_cash'], 0)})" if lang == "id" else
            f" (cash basis, scholarships when paid: {percent(row['loss_ratio_cash'], 0)})")


def _published(ctx) -> str:
    """Issue 11: the published NTT claims total against the model, and which way it points."""
    from ..analyses.published import published_note
    return ctx.tr("**Angka klaim yang dipublikasikan.** ", "**A published claims figure.** ") + \
        published_note(ctx.scen, ctx.lang)


def _funding_stops(ctx) -> str:
    """The funding-stop line, from the planner's ``if_funding_stops``."""
    tr, jht = ctx.tr, ctx.summary["programs"]["jht"]
    f = (ctx.plan or {}).get("if_funding_stops")
    if not f:
        return tr("**Pendanaan berhenti.** Bila iuran tidak dibayar lagi, perlindungan berakhir.",
                  "**Funding stops.** When contributions are no longer paid, cover ends.")
    u = f["uninsured_a_year"]
    when = tr(f"setelah {f['months']} bulan", f"after {f['months']} months") if f["hypothetical"] else \
        tr(f"pada akhir pendanaan ({f['months']} bulan)", f"when the funding ends ({f['months']} months)")
    line = tr(f"**Pendanaan berhenti.** Bila iuran berhenti {when}, perlindungan berakhir "
              f"{long_date(f['cover_ends'], 'id')}. Setahun berikutnya diperkirakan {number(u['deaths'], 1)} kematian dan "
              f"{number(u['work_accidents'], 1)} kecelakaan kerja tanpa jaminan (manfaat {rupiah(u['expected_claims'])}).",
              f"**Funding stops.** If contributions stop {when}, cover ends on {long_date(f['cover_ends'], 'en')}. The "
              f"following year about {number(u['deaths'], 1)} deaths and {number(u['work_accidents'], 1)} work accidents "
              f"would go uninsured (benefits of {rupiah(u['expected_claims'])}).")
    if not f["jkm_scholarship_payable"]:
        line += " " + tr(f"Syarat {number(f['jkm_scholarship_min_months'])} bulan iuran untuk beasiswa JKM tidak terpenuhi "
                         f"(dengan pendanaan berlanjut: mulai {long_date(f['jkm_scholarship_from_if_continued'], 'id')}).",
                         f"The {number(f['jkm_scholarship_min_months'])} months of contributions JKM scholarships need "
                         f"are never reached (with continued funding: from "
                         f"{long_date(f['jkm_scholarship_from_if_continued'], 'en')}).")
    if jht:
        j = f["jht"]
        line += " " + tr(f"Saldo JHT per peserta berhenti bertambah: setelah {number(j['years_compared'])} tahun "
                         f"{rupiah(j['balance_stopped'])} dibanding {rupiah(j['balance_continued'])} bila berlanjut.",
                         f"JHT balances stop growing: after {number(j['years_compared'])} years "
                         f"{rupiah(j['balance_stopped'])} per worker against {rupiah(j['balance_continued'])} if continued.")
    return line


def multi_year(ctx) -> Section:
    tr, p = ctx.tr, ctx.projection
    sec = Section("multi_year").add(Heading(tr("4. Gambaran beberapa tahun", "4. The multi-year view")))
    if p:
        rows = p["rows"]
        y = p.get("first_jkm_scholarship_year")
        if y and y >= 2 and y <= len(rows):
            before, at = rows[y - 2]["loss_ratio"], rows[y - 1]["loss_ratio"]
            peak = max((r["loss_ratio"] or 0) for r in rows[y - 1:])
            sec.add(Para(tr(
                f"**Lonjakan beasiswa pada tahun ke-{y}.** Anak peserta yang meninggal mendapat beasiswa hanya bila iuran "
                f"sudah dibayar sedikitnya 3 tahun (36 bulan). Karena semua peserta mulai bersama, beasiswa pertama dapat "
                f"jatuh pada tahun ke-{y} (mulai {long_date(rows[y - 1]['start'], 'id')}). Rasio klaim naik dari "
                f"{percent(before, 0)} pada tahun ke-{y - 1} menjadi {percent(at, 0)} pada tahun ke-{y} (tertinggi "
                f"{percent(peak, 0)}). Beasiswa dihitung sebagai komitmen penuh pada saat klaim, bukan per tahun "
                f"pembayaran{_cash_note(rows[y - 1], 'id')}. Biaya ini ditanggung BPJS; iuran Pemda tidak berubah, kecuali tarif iuran diubah.",
                f"**The scholarship step in year {y}.** A deceased worker's children receive scholarships only after "
                f"3 years (36 months) of contributions. As everyone joined together, the first scholarships can fall in "
                f"year {y} (from {long_date(rows[y - 1]['start'], 'en')}). The loss ratio rises from {percent(before, 0)} in "
                f"year {y - 1} to {percent(at, 0)} in year {y} (at most {percent(peak, 0)}). Scholarships are counted as "
                f"the full commitment at the claim, not by year of payment{_cash_note(rows[y - 1], 'en')}. BPJS bears this cost; the regency's "
                f"contributions stay the same unless the contribution rates change.")))
    fy = ctx.fiscal_years
    if fy:
        keys = list(fy[0]["required"])
        names = {"jkk+jkm": "JKK + JKM", "jkk+jkm+jht": "JKK + JKM + JHT"}
        own = "jkk+jkm+jht" if ctx.summary["programs"]["jht"] and "jkk+jkm+jht" in keys else keys[0]
        rows = [[r["year"], r["months"], r["workers"], r.get("allocation")] + [r["required"][k] for k in keys]
                + [r["difference"][own] if "difference" in r else None] for r in fy]
        sec.add(Para(tr("Kebutuhan per tahun anggaran (APBD, Januari-Desember) untuk peserta terdaftar, dan alokasi "
                        "yang tersebar pada bulan-bulannya:",
                        "Need by fiscal year (APBD, January to December) for the enrolled workers, and the allocation "
                        "spread over its months:")),
                Table([tr("Tahun anggaran", "Fiscal year"), tr("Bulan", "Months"), tr("Peserta", "Workers"),
                       tr("Alokasi", "Allocation")] + [names.get(k, k.upper()) for k in keys]
                      + [tr(f"Selisih {names.get(own, own)}", f"Difference {names.get(own, own)}")],
                      ["year", "int", "int", "rupiah"] + ["rupiah"] * len(keys) + ["rupiah"], rows,
                      sheet=tr("Anggaran per tahun", "Budget by fiscal year"),
                      widths=[0.9, 0.6, 0.75, 1.35] + [1.35] * len(keys) + [1.25],
                      note=tr("Selisih negatif berarti kurang.", "A negative difference is a shortfall.")))
    if p:
        from .report_detail import projection_figure
        sec.add(Figure(lambda: projection_figure(ctx), width=1.0))
    return sec


GLOSSARY = [
    ("Iuran", "Contribution", "Pembayaran bulanan per peserta kepada BPJS (di sini dibayar Pemda).",
     "The monthly payment per worker to BPJS (here paid by the regency)."),
    ("Klaim harapan", "Expected claims", "Rata-rata jumlah manfaat yang dibayar BPJS dalam setahun.",
     "The average amount of benefits BPJS pays in a year."),
    ("Rasio klaim", "Loss ratio", "Klaim harapan dibagi iuran JKK + JKM; di atas 100% berarti klaim melebihi iuran.",
     "Expected claims divided by JKK + JKM contributions; above 100% claims exceed contributions."),
    ("Kuantil", "Quantile", "Kuantil 90%: jumlah klaim yang tidak terlampaui dalam 9 dari 10 tahun.",
     "The 90% quantile: the claims total not exceeded in 9 years out of 10."),
    ("VaR 99,5%", "VaR 99.5%", "Kuantil 99,5%: klaim setahun yang hanya terlampaui 1 tahun dari 200.",
     "The 99.5% quantile: a year's claims exceeded only 1 year in 200."),
    ("TVaR 99,5%", "TVaR 99.5%", "Rata-rata klaim dalam tahun-tahun terburuk yang melampaui VaR 99,5%.",
     "The average claims of the worst years, those beyond the VaR 99.5%."),
    ("A/E", "A/E", "Klaim aktual dibagi klaim harapan; 1 berarti asumsi sesuai pengalaman.",
     "Actual claims divided by expected claims; 1 means the assumptions match experience."),
    ("Tahun-peserta", "Worker-year", "Satu peserta yang tertanggung selama 12 bulan.", "One worker covered for 12 months."),
    ("Beasiswa JKM", "JKM scholarship", "Beasiswa untuk sampai 2 anak peserta yang meninggal setelah 3 tahun iuran.",
     "Scholarships for up to 2 children of a worker who dies after 3 years of contributions."),
    ("Monte Carlo", "Monte Carlo", "Pemeriksaan dengan simulasi banyak tahun acak.", "A check by simulating many random years."),
]


def glossary(ctx) -> Section:
    k = 0 if ctx.lang == "id" else 1
    rows = [[g[k], g[2 + k]] for g in GLOSSARY]
    return Section("glossary").add(Heading(ctx.tr("6. Daftar istilah", "6. Glossary")),
                                   Table([ctx.tr("Istilah", "Term"), ctx.tr("Arti", "Meaning")], ["text", "text"], rows,
                                         widths=[1, 3.5]))
