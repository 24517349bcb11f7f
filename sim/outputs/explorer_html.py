"""The dashboard's figures as HTML: key figure cards and the detail table, every figure beside its
difference from the baseline scenario (strings only; ids let the browser tests find figures).

Money as ``Rp 1.175.126.400``, ratios and probabilities as ``69,7%`` with differences in
percentage points, counts as ``5.892``: Indonesian writing everywhere.
"""
from __future__ import annotations

import html

from ..common.formatting import number, percent, rupiah

#: figure key -> (Indonesian label, English label, format)
LABELS = {
    "allocation": ("Alokasi", "Allocation", "rupiah"),
    "required": ("Kebutuhan anggaran", "Budget need", "rupiah"),
    "difference": ("Selisih alokasi − kebutuhan", "Allocation − need", "rupiah"),
    "worker_years": ("Tahun-peserta didanai", "Worker-years funded", "count"),
    "months_covered": ("Bulan cakupan semua peserta", "Months of cover for all", "months"),
    "workers": ("Peserta ditanggung", "Workers covered", "count"),
    "expected_deaths": ("Kematian bukan kerja (harapan)", "Deaths not from work (expected)", "one"),
    "expected_accidents": ("Kecelakaan kerja (harapan)", "Work accidents (expected)", "one"),
    "claims.total": ("Klaim harapan JKK + JKM", "Expected claims JKK + JKM", "rupiah"),
    "loss_ratio.total": ("Rasio klaim JKK + JKM", "Loss ratio JKK + JKM", "percent"),
    "prob_exceed": ("Peluang klaim > iuran", "P(claims > contributions)", "percent2"),
    "var": ("Klaim setahun, kuantil 99,5%", "Claims in a year, 99.5% quantile", "rupiah"),
    "prob_exceed_doubt": ("Peluang klaim > iuran, dengan keraguan asumsi", "P(claims > contributions), with doubt about the assumptions", "percent2"),
    "var_doubt": ("Kuantil 99,5%, dengan keraguan asumsi", "99.5% quantile, with doubt about the assumptions", "rupiah"),
    "jht_balance": ("Saldo JHT per peserta", "JHT balance per worker", "rupiah"),
    "jht_fund": ("Dana JHT seluruh peserta", "JHT fund of all workers", "rupiah"),
    "jht_members": ("Peserta JHT tersisa", "JHT members remaining", "count"),
}


def fmt(kind: str, x: float | None) -> str:
    """A figure as the dashboard writes it."""
    if x is None:
        return "-"
    if kind == "rupiah":
        return rupiah(x)
    if kind == "count":
        return number(x)
    if kind == "months":
        return number(x, 2)
    if kind == "one":
        return number(x, 1)
    if kind == "percent":
        return percent(x)
    if kind == "percent2":
        return percent(x, 2)
    raise ValueError(kind)


SAME = "= dasar / baseline"


def fmt_delta(kind: str, d: float | None) -> str:
    """A difference from the baseline: ``+Rp 1.414.080.000``, ``−3.168``, ``+1,2 poin`` (percentage
    points), ``= dasar / baseline`` when nothing changed, ``-`` when undefined."""
    if d is None:
        return "-"
    shown = fmt(kind, abs(d))
    if kind in ("percent", "percent2"):
        shown = shown.rstrip("%") + " poin"
    if not any(c in "123456789" for c in shown):       # nothing left after rounding
        return SAME
    return ("+" if d > 0 else "−") + shown


def _paren(delta: str) -> str:
    return "" if delta in (SAME, "-") else f" ({delta})"


def _delta_span(key: str, kind: str, d) -> str:
    text = fmt_delta(kind, d)
    cls = "delta same" if text in (SAME, "-") else "delta"
    return f"<span class='{cls}' id='{key.replace('.', '-')}-delta'>{html.escape(text)}</span>"


def _value(key: str, kind: str, x) -> str:
    return f"<span class='val' id='{key.replace('.', '-')}'>{html.escape(fmt(kind, x))}</span>"


def cards_html(f: dict, d: dict, months: int, years: int, jht_on: bool) -> str:
    """The key figure cards: budget need, allocation minus need, months of cover, expected claims
    with the loss ratio, the chance that claims exceed contributions (and the JHT fund)."""
    status = ("kurang / shortfall" if f["difference"] < 0 else "lebih / surplus") if f["difference"] else "pas / exact"
    cards = [
        ("required", f"{LABELS['required'][0]} ({months} bln)", f"{LABELS['required'][1]} ({months} mo)", ""),
        ("difference", LABELS["difference"][0], LABELS["difference"][1], status),
        ("months_covered", LABELS["months_covered"][0], LABELS["months_covered"][1], "bulan / months"),
        ("claims.total", LABELS["claims.total"][0], LABELS["claims.total"][1],
         f"rasio klaim / loss ratio {fmt('percent', f['loss_ratio.total'])}" + _paren(fmt_delta('percent', d['loss_ratio.total']))),
        ("prob_exceed", LABELS["prob_exceed"][0], LABELS["prob_exceed"][1], "dalam setahun / in a year"
         + (f"; dengan keraguan asumsi / with doubt about the assumptions {fmt('percent2', f['prob_exceed_doubt'])}"
            if f.get("prob_exceed_doubt") is not None else "")),
    ]
    if jht_on:
        cards.append(("jht_fund", f"Dana JHT setelah {years} th", f"JHT fund after {years} yrs",
                      f"saldo per peserta / per worker {fmt('rupiah', f['jht_balance'])}"))
    out = []
    for key, idn, en, note in cards:
        kind = LABELS[key][2]
        bad = " bad" if key == "difference" and f["difference"] < 0 else ""
        vs = "" if fmt_delta(kind, d[key]) in (SAME, "-") else " <span class='vs'>vs dasar / baseline</span>"
        out.append(f"<div class='card{bad}'><div class='c-t'><span class='c-id'>{html.escape(idn)}</span> "
                   f"<span class='c-en'>{html.escape(en)}</span></div>"
                   f"<div class='c-v'>{_value(key, kind, f[key])} {_delta_span(key, kind, d[key])}{vs}</div>"
                   f"<div class='c-note'>{html.escape(note)}</div></div>")
    return "<div class='cards'>" + "".join(out) + "</div>"


def details_html(f: dict, d: dict, months: int, jht_on: bool, baseline_title: str) -> str:
    """Every figure with its baseline difference: by programme, then the budget and risk figures."""
    progs = [("jkk", "JKK"), ("jkm", "JKM")] + ([("jht", "JHT")] if jht_on or f["contributions.jht"] else [])
    head = ("<tr><th>Program / Programme</th><th>Iuran setahun<br><small>Contributions a year</small></th>"
            f"<th>Kebutuhan {months} bln<br><small>Need, {months} mo</small></th>"
            "<th>Klaim harapan<br><small>Expected claims</small></th><th>Rasio klaim<br><small>Loss ratio</small></th></tr>")
    rows = []
    for p, name in progs + [("total", "Jumlah / Total")]:
        need = f["required"] if p == "total" else f[f"need.{p}"]
        dneed = d["required"] if p == "total" else d[f"need.{p}"]
        risk = p != "jht"
        cells = [(f"contributions.{p}", "rupiah", f[f"contributions.{p}"], d[f"contributions.{p}"]),
                 (f"need.{p}", "rupiah", need, dneed),
                 (f"claims.{p}", "rupiah", f[f"claims.{p}"] if risk else None, d[f"claims.{p}"] if risk else None),
                 (f"loss_ratio.{p}", "percent", f[f"loss_ratio.{p}"] if risk else None,
                  d[f"loss_ratio.{p}"] if risk else None)]
        tds = "".join(f"<td class='num'>{_value('t-' + k, kind, x)}<br>{_delta_span('t-' + k, kind, dx)}</td>"
                      for k, kind, x, dx in cells)
        rows.append(f"<tr{' class=total' if p == 'total' else ''}><td>{name}</td>{tds}</tr>")
    keys = ["allocation", "required", "difference", "worker_years", "months_covered", "workers", "expected_deaths",
            "expected_accidents", "claims.total", "loss_ratio.total", "prob_exceed", "var"]
    keys += [k for k in ("prob_exceed_doubt", "var_doubt") if k in f and k in d]
    if jht_on:
        keys += ["jht_balance", "jht_fund", "jht_members"]
    items = "".join(f"<tr><td>{html.escape(LABELS[k][0])}<br><small>{html.escape(LABELS[k][1])}</small></td>"
                    f"<td class='num'>{_value('l-' + k, LABELS[k][2], f[k])}</td>"
                    f"<td class='num'>{_delta_span('l-' + k, LABELS[k][2], d[k])}</td></tr>" for k in keys)
    return (f"<div class='details'><table class='prog'>{head}{''.join(rows)}</table>"
            f"<table class='list'><tr><th>Angka / Figure</th><th>Nilai / Value</th><th>± dasar / baseline</th></tr>"
            f"{items}</table><p class='base'>Dasar / Baseline: {html.escape(baseline_title)}. "
            "± = beda dari dasar / difference from the baseline; poin = poin persentase / percentage points.</p></div>")
