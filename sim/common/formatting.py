"""Indonesian number formatting and bilingual labels for people-facing output."""
from __future__ import annotations

import math


def rupiah(x: float | None, decimals: int = 0) -> str:
    """``Rp 1.175.126.400``: dots group thousands, a comma marks decimals, a minus sign leads."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "-"
    s = f"{abs(x):,.{decimals}f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return f"{'-' if x < 0 else ''}Rp {s}"


def number(x: float | None, decimals: int = 0) -> str:
    """``5.892`` or ``11,87``: Indonesian grouping and decimal comma."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "-"
    return f"{x:,.{decimals}f}".replace(",", "X").replace(".", ",").replace("X", ".")


def percent(x: float | None, decimals: int = 1) -> str:
    """``104,2%`` from a ratio 1.042."""
    return "-" if x is None else number(100 * x, decimals) + "%"


def label(id_text: str, en_text: str) -> str:
    """``Iuran / Contributions``: Indonesian first, English after a slash."""
    return f"{id_text} / {en_text}"
