"""What changed between two reports, for people: the ``diff`` command's text and the report's
"what changed since the last report" part (numbers from :mod:`sim.analyses.diff`)."""
from __future__ import annotations

from ..analyses.diff import FIGURES, ORDER
from ..common.formatting import number, percent, rupiah

STEP_LABELS = {s: (i, e) for s, i, e, _ in ORDER} | {
    "code_and_data": ("Kode model dan tabel data (tidak tercatat sebagai masukan)",
                      "Model code and data tables (not recorded as inputs)"),
    "residual": ("Sisa", "Residual"),
}
_KIND = {k: kind for k, _, _, kind in FIGURES}


def _fmt(value, kind: str, signed: bool = False) -> str:
    if value is None:
        return "-"
    if kind == "percent":
        if signed:   # a change of a ratio: percentage points
            return ("+" if value > 0 else "") + number(100 * value, 2) + " pp"
        return percent(value, 2) if abs(value) < 0.1 else percent(value, 1)
    if kind == "rupiah":
        s = rupiah(value)
    elif kind == "count":
        s = number(value)
    else:
        s = number(value, 2)
    return ("+" + s) if signed and value > 0 else s


def _short(v) -> str:
    text = str(v)
    return text if len(text) <= 60 else text[:57] + "..."


def _tr(lang: str, id_text: str, en_text: str) -> str:
    return id_text if lang == "id" else en_text


def lines(d: dict, lang: str = "id") -> list[str]:
    """The diff as lines of text (the ``diff`` command's output)."""
    t = lambda a, b: _tr(lang, a, b)  # noqa: E731
    out = [t(f"Laporan lama: {d['old']['scenario']} ({d['old']['run_at'] or '-'}, sim {d['old']['version']}); "
             f"laporan baru: {d['new']['scenario']} ({d['new']['run_at'] or '-'}, sim {d['new']['version']}).",
             f"Old report: {d['old']['scenario']} ({d['old']['run_at'] or '-'}, sim {d['old']['version']}); "
             f"new report: {d['new']['scenario']} ({d['new']['run_at'] or '-'}, sim {d['new']['version']})."), ""]
    inp = d["inputs"]
    changed = inp["settings"] + inp["parameters"]
    out.append(t("Masukan yang berubah:", "Inputs that changed:"))
    if not changed and not inp["files"]:
        out.append(t("- tidak ada", "- none"))
    for c in changed:
        out.append(f"  {c['key']}: {_short(c['old'])} -> {_short(c['new'])}")
    for f in inp["files"]:
        what = {"changed": t("isi berubah", "contents changed"), "added": t("baru", "added"),
                "removed": t("tidak dipakai lagi", "no longer used")}[f["change"]]
        out.append(f"  {f['path']}: {what}")
    out.append("")
    head = [t("Angka", "Figure"), t("Lama", "Old"), t("Baru", "New"), t("Perubahan", "Change")]
    rows = [[r[f"label_{lang}"], _fmt(r["old"], r["kind"]), _fmt(r["new"], r["kind"]), _fmt(r["change"], r["kind"], True)]
            for r in d["figures"]]
    out += _table(head, rows)
    a = d["attribution"]
    out.append("")
    if not a["available"]:
        out.append(t("Atribusi tidak tersedia: ", "No attribution: ") + a["note"])
        return out
    out.append(t("Atribusi: masukan lama diganti dengan yang baru satu kelompok demi satu kelompok, dengan urutan tetap "
                 "berikut; setiap langkah menghitung ulang angka setahun secara tepat (tanpa Monte Carlo).",
                 "Attribution: the old inputs are replaced by the new ones one group at a time, in this fixed order; "
                 "each step recomputes the one-year figures exactly (no Monte Carlo)."))
    keys = ("expected_claims.total", "budget.required", "loss_ratio.total", "var_99_5")
    labels = {k: (li if lang == "id" else le) for k, li, le, _ in FIGURES}
    head = [t("Langkah", "Step"), t("Masukan", "Inputs")] + [labels[k] for k in keys]
    rows = []
    for i, s in enumerate(a["steps"]):
        name = STEP_LABELS[s["step"]][0 if lang == "id" else 1]
        keys_text = ", ".join(s["keys"][:3]) + (f" (+{len(s['keys']) - 3})" if len(s["keys"]) > 3 else "")
        rows.append([f"{i}. {name}", keys_text or "-"]
                    + [_fmt(s["effect"].get(k), _KIND[k], True) for k in keys])
    out += _table(head, rows)
    return out


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
    fmt = lambda r: "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths)))  # noqa: E731
    return [fmt(head)] + [fmt(r) for r in rows]


def format_diff(d: dict, lang: str = "id") -> str:
    """Text for ``python -m sim diff``."""
    return "\n".join(lines(d, lang))


_CELL_KIND = {"rupiah": "rupiah", "percent": "percent2", "count": "int", "decimal": "number2"}


def report_section(previous, new_figures: dict, lang: str = "id"):
    """The report part "what changed since the last report" (an empty part when *previous* is "")."""
    from ..analyses.diff import diff, read_report
    from .report_doc import Bullets, Cell, Heading, Para, Section, Table
    sec = Section("changes")
    if not previous:
        return sec
    d = diff(read_report(previous), new_figures)
    t = lambda a, b: _tr(lang, a, b)  # noqa: E731
    text = lines(d, lang)
    sec.add(Heading(t("Apa yang berubah sejak laporan terakhir", "What changed since the last report")), Para(text[0]))
    inp = d["inputs"]
    items = [f"{c['key']}: {_short(c['old'])} → {_short(c['new'])}" for c in inp["settings"] + inp["parameters"]]
    items += [f"{f['path']}: {f['change']}" for f in inp["files"]]
    sec.add(Para(t("Masukan yang berubah:", "Inputs that changed:")), Bullets(items or [t("tidak ada", "none")]))
    sec.add(Table([t("Angka", "Figure"), t("Lama", "Old"), t("Baru", "New"), t("Perubahan", "Change")],
                  ["text", "text", "text", "text"],
                  [[r[f"label_{lang}"]] + [Cell(r[k], _CELL_KIND[r["kind"]]) for k in ("old", "new", "change")]
                   for r in d["figures"]], widths=[2, 1.2, 1.2, 1.2]))
    a = d["attribution"]
    if not a["available"]:
        return sec.add(Para(t("Atribusi tidak tersedia: ", "No attribution: ") + a["note"]))
    keys = ("expected_claims.total", "budget.required", "var_99_5")
    labels = {k: (li if lang == "id" else le) for k, li, le, _ in FIGURES}
    rows = [[f"{i}. {STEP_LABELS[s['step']][0 if lang == 'id' else 1]}",
             ", ".join(s["keys"][:3]) + (f" (+{len(s['keys']) - 3})" if len(s["keys"]) > 3 else "") or "-"]
            + [Cell(s["effect"].get(k), _CELL_KIND[_KIND[k]]) for k in keys] for i, s in enumerate(a["steps"])]
    return sec.add(Para(t(
        "Atribusi: masukan lama diganti dengan yang baru satu kelompok demi satu kelompok, dengan urutan tetap di bawah; "
        "setiap langkah menghitung ulang angka setahun secara tepat. Interaksi jatuh ke langkah yang belakangan.",
        "Attribution: the old inputs are replaced by the new ones one group at a time, in the fixed order below; each "
        "step recomputes the one-year figures exactly. Interactions fall to the later step.")),
        Table([t("Langkah", "Step"), t("Masukan", "Inputs")] + [labels[k] for k in keys], ["text"] * 5, rows,
              widths=[2, 2, 1.2, 1.2, 1.2]))
