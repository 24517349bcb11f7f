"""Labels in Indonesian and English for the explorer and the reports."""
from __future__ import annotations

LANGUAGES = ("id", "en")

TEXT = {
    "contributions": ("Iuran setahun", "Contributions a year"),
    "budget": ("Anggaran", "Budget"),
    "allocation": ("Alokasi", "Allocation"),
    "required": ("Kebutuhan", "Required"),
    "difference": ("Selisih", "Difference"),
    "shortfall": ("kurang", "shortfall"),
    "surplus": ("lebih", "surplus"),
    "worker_years": ("Tahun-peserta didanai", "Worker-years funded"),
    "months_covered": ("Bulan cakupan semua peserta", "Months of cover for all"),
    "expected_claims": ("Klaim harapan", "Expected claims"),
    "loss_ratio": ("Rasio klaim", "Loss ratio"),
    "prob_exceed": ("Peluang klaim > iuran", "P(claims > contributions)"),
    "claims_total": ("Total klaim setahun (JKK + JKM)", "Total claims in a year (JKK + JKM)"),
    "probability": ("Peluang", "Probability"),
    "rupiah_millions": ("juta rupiah", "million rupiah"),
    "var": ("VaR 99,5%", "VaR 99.5%"),
    "jht_balance": ("Saldo JHT per peserta", "JHT balance per worker"),
    "jht_fund": ("Dana JHT seluruh peserta", "JHT fund of all workers"),
    "after_years": ("setelah {n} tahun", "after {n} years"),
    "workers": ("Peserta", "Workers"),
    "deaths": ("Kematian bukan kerja", "Deaths not from work"),
    "accidents": ("Kecelakaan kerja", "Work accidents"),
    "total": ("Jumlah", "Total"),
    "program": ("Program", "Programme"),
    "expected_events": ("Kejadian harapan setahun", "Expected events a year"),
    "need_by_program": ("Kebutuhan anggaran per program", "Budget need by programme"),
    "regency_pays": ("dibayar Pemda", "paid by the regency"),
}


def t(key: str, lang: str = "id") -> str:
    """The text of *key* in *lang* ("id" or "en")."""
    return TEXT[key][LANGUAGES.index(lang)]


def both(key: str) -> str:
    """``Indonesian / English``."""
    a, b = TEXT[key]
    return f"{a} / {b}"


#: declared-income options (``params/assumptions/income.yaml``) by key: Indonesian, English
INCOME_OPTIONS = {
    "floor": ("Batas bawah BPU", "BPU floor"),
    "ump_2023": ("UMP NTT 2023", "NTT minimum wage 2023"),
    "ump_2024": ("UMP NTT 2024", "NTT minimum wage 2024"),
    "ump_2025": ("UMP NTT 2025", "NTT minimum wage 2025"),
}


def income_option_label(key: str, amount: float, lang: str | None = None) -> str:
    """``Batas bawah BPU / BPU floor: Rp 1.000.000``; an option without a label is shown by its
    amount alone (``Rp 1.500.000``), never by its key."""
    from .formatting import rupiah
    shown = rupiah(amount, 0 if float(amount).is_integer() else 2)
    names = INCOME_OPTIONS.get(key)
    if names is None:
        return shown
    name = f"{names[0]} / {names[1]}" if lang is None else names[LANGUAGES.index(lang)]
    return f"{name}: {shown}"
