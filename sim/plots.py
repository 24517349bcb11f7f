"""Matplotlib charts for the explorer and the reports (drawing only, no model logic)."""
from __future__ import annotations

import numpy as np

from .formatting import number


def _millions(x) -> np.ndarray:
    return np.asarray(x, dtype=float) / 1e6


def claims_distribution(ax, dist, contributions: float, var: float, title: str, labels: dict):
    """Probability of the year's total claims (by Rp 10 M bands up to the 99.9% point), with the
    VaR 99.5% and the contributions marked.  *labels*: x, y, var, contributions."""
    top = dist.quantile(0.999)
    width = max(10e6, dist.h)
    edges = np.arange(0, top + width, width)
    vals = dist.values
    shown = vals <= top + width
    idx = np.clip(np.searchsorted(edges, vals[shown], side="right") - 1, 0, edges.size - 1)
    probs = np.bincount(idx, weights=dist.pmf[shown], minlength=edges.size)
    ax.clear()
    ax.stairs(probs, _millions(np.append(edges, edges[-1] + width)), fill=True, color="#4c72b0")
    ax.axvline(_millions(var), color="#c44e52", lw=2, label=f"{labels['var']}: {number(var / 1e6)} jt")
    ax.axvline(_millions(contributions), color="#55a868", lw=2, ls="--",
               label=f"{labels['contributions']}: {number(contributions / 1e6)} jt")
    ax.set_xlabel(labels["x"])
    ax.set_ylabel(labels["y"])
    ax.set_title(title)
    ax.set_xlim(0, _millions(max(top, contributions) * 1.05))
    ax.legend(loc="upper right", fontsize=8)
    return ax


def tornado(ax, rows: list[tuple[str, float, float]], base: float, title: str, xlabel: str):
    """Horizontal bars from the base value to the low and high results, widest first.

    *rows*: (label, result at the low setting, result at the high setting)."""
    rows = sorted(rows, key=lambda r: abs(r[2] - r[1]))
    ax.clear()
    for i, (lab, lo, hi) in enumerate(rows):
        ax.barh(i, lo - base, left=base, color="#4c72b0")
        ax.barh(i, hi - base, left=base, color="#dd8452")
    ax.set_yticks(range(len(rows)), [r[0] for r in rows], fontsize=8)
    ax.axvline(base, color="black", lw=1)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    return ax


def fan_chart(ax, years, bands: dict[str, np.ndarray], median: np.ndarray, title: str, ylabel: str,
              color: str = "#4c72b0"):
    """Percentile bands around a median path: *bands* maps "5-95", "25-75" to arrays (2, n)."""
    ax.clear()
    alphas = {0: 0.2, 1: 0.4}
    for k, (lab, b) in enumerate(bands.items()):
        ax.fill_between(years, _millions(b[0]), _millions(b[1]), color=color, alpha=alphas.get(k, 0.3), label=lab)
    ax.plot(years, _millions(median), color=color, lw=2, label="50")
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8)
    return ax
