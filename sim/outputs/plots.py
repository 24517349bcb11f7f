"""Matplotlib charts for the explorer and the reports (drawing only, no model logic)."""
from __future__ import annotations

import numpy as np

from ..common.formatting import number


def _millions(x) -> np.ndarray:
    return np.asarray(x, dtype=float) / 1e6


def claims_histogram(dist, contributions: float) -> tuple[np.ndarray, np.ndarray, float]:
    """(probabilities, band edges in rupiah, 99.9% point) of the year's total claims by Rp 10 M bands."""
    top = dist.quantile(0.999)
    width = max(10e6, dist.h)
    edges = np.arange(0, top + width, width)
    vals = dist.values
    shown = vals <= top + width
    idx = np.clip(np.searchsorted(edges, vals[shown], side="right") - 1, 0, edges.size - 1)
    probs = np.bincount(idx, weights=dist.pmf[shown], minlength=edges.size)
    return probs, np.append(edges, edges[-1] + width), top


def claims_distribution(ax, dist, contributions: float, var: float, title: str, labels: dict):
    """Probability of the year's total claims (by Rp 10 M bands up to the 99.9% point), with the
    VaR 99.5% and the contributions marked.  *labels*: x, y, var, contributions.

    Drawn once per axes; later calls on the same axes update the bars, lines, legend and limits
    in place (no clearing and rebuilding: what a slider wants)."""
    probs, edges, top = claims_histogram(dist, contributions)
    x_edges = _millions(edges)
    var_label = f"{labels['var']}: {number(var / 1e6)} jt"
    contrib_label = f"{labels['contributions']}: {number(contributions / 1e6)} jt"
    art = getattr(ax, "_sim_claims", None)
    if art is None or art["stairs"] not in ax.patches:
        ax.clear()
        art = {"stairs": ax.stairs(probs, x_edges, fill=True, color="#4c72b0"),
               "var": ax.axvline(_millions(var), color="#c44e52", lw=2, label=var_label),
               "contrib": ax.axvline(_millions(contributions), color="#55a868", lw=2, ls="--", label=contrib_label)}
        art["legend"] = ax.legend(loc="upper right", fontsize=8)
        # at most 7 and 5 ticks: tick labels are most of a redraw's time (issue 10)
        from matplotlib.ticker import MaxNLocator
        ax.xaxis.set_major_locator(MaxNLocator(6))
        ax.yaxis.set_major_locator(MaxNLocator(4))
        ax._sim_claims = art
    else:
        art["stairs"].set_data(probs, x_edges)
        art["var"].set_xdata([_millions(var)] * 2)
        art["contrib"].set_xdata([_millions(contributions)] * 2)
        for line, text, lab in zip((art["var"], art["contrib"]), art["legend"].get_texts(), (var_label, contrib_label)):
            line.set_label(lab)
            text.set_text(lab)
    if ax.get_xlabel() != labels["x"]:
        ax.set_xlabel(labels["x"])
    if ax.get_ylabel() != labels["y"]:
        ax.set_ylabel(labels["y"])
    if ax.get_title() != title:
        ax.set_title(title)
    ax.set_xlim(0, _millions(max(top, contributions, 1.0) * 1.05))  # all-zero claims: a visible axis
    ax.set_ylim(0, float(probs.max()) * 1.05 if probs.size and probs.max() > 0 else 1.0)
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


def budget_path(ax, years, need, allocation, claims, contributions, title: str, labels: dict):
    """Budget need against the allocation, and expected claims against contributions, by year."""
    ax.clear()
    ax.plot(years, _millions(need), marker="o", ms=3, color="#4c72b0", label=labels["need"])
    ax.step(years, _millions(allocation), where="mid", color="#55a868", ls="--", label=labels["allocation"])
    ax.plot(years, _millions(claims), marker="s", ms=3, color="#c44e52", label=labels["claims"])
    ax.plot(years, _millions(contributions), color="#8172b2", ls=":", label=labels["contributions"])
    ax.set_title(title)
    ax.set_xlabel(labels["year"])
    ax.set_ylabel(labels["y"])
    ax.legend(fontsize=7)
    return ax


def projection_rows_figure(fig, rows: list[dict], lang_label, fan_key: str | None = None):
    """Two panels from projection rows (:func:`sim.analyses.projection.summary_rows`): the budget path and
    a fan chart (JHT fund when present, else cumulative claims against cumulative contributions)."""
    fig.clear()
    ax1, ax2 = fig.subplots(1, 2)
    yrs = [r["year"] for r in rows]
    budget_path(ax1, yrs, [r["budget"]["required"] for r in rows], [r["budget"]["allocation"] for r in rows],
                [r["expected_claims"]["total"] for r in rows],
                [r["contributions"]["jkk"] + r["contributions"]["jkm"] for r in rows],
                lang_label("Anggaran per tahun", "Budget by year"),
                {"need": lang_label("Kebutuhan", "Need"), "allocation": lang_label("Alokasi", "Allocation"),
                 "claims": lang_label("Klaim harapan", "Expected claims"),
                 "contributions": lang_label("Iuran JKK+JKM", "JKK+JKM contributions"),
                 "year": lang_label("Tahun ke", "Year"), "y": lang_label("juta rupiah", "million rupiah")})
    if rows and "jht" in rows[0] and "fund_percentiles" in rows[0]["jht"]:
        pct = {k: np.array([r["jht"]["fund_percentiles"][k] for r in rows]) for k in rows[0]["jht"]["fund_percentiles"]}
        fan_chart(ax2, yrs, {"5-95": np.vstack([pct["5"], pct["95"]]), "25-75": np.vstack([pct["25"], pct["75"]])},
                  pct["50"], lang_label("Dana JHT (persentil)", "JHT fund (percentiles)"),
                  lang_label("juta rupiah", "million rupiah"), color="#dd8452")
    elif rows and "cumulative_claims_percentiles" in rows[0]:
        pct = {k: np.array([r["cumulative_claims_percentiles"][k] for r in rows]) for k in ("5", "25", "50", "75", "95")}
        fan_chart(ax2, yrs, {"5-95": np.vstack([pct["5"], pct["95"]]), "25-75": np.vstack([pct["25"], pct["75"]])},
                  pct["50"], lang_label("Klaim kumulatif (persentil)", "Cumulative claims (percentiles)"),
                  lang_label("juta rupiah", "million rupiah"))
        ax2.plot(yrs, _millions([r["cumulative_contributions"] for r in rows]), color="#55a868", ls="--",
                 label=lang_label("Iuran kumulatif", "Cumulative contributions"))
        ax2.legend(fontsize=7)
    else:
        ax2.set_axis_off()
    for ax in (ax1, ax2):
        ax.set_xlabel(lang_label("Tahun ke", "Year"))
    return fig


def actual_vs_expected(ax, rows: list[dict], title: str, xlabel: str):
    """A/E ratios with their exact intervals, one line per programme and claim type (all years)."""
    rows = [r for r in rows if r["year"] is None and r["expected"] > 0]
    ax.clear()
    y = np.arange(len(rows))
    # an A/E with no expected claims is None (undefined): drawn as a gap
    ratio, lo, hi = (np.array([np.nan if r[k] is None else r[k] for r in rows], dtype=float)
                     for k in ("ratio", "ratio_low", "ratio_high"))
    colors = ["#c44e52" if r["contradicts"] else "#4c72b0" for r in rows]
    ax.errorbar(ratio, y, xerr=[ratio - lo, hi - ratio], fmt="none", ecolor="#999999", capsize=3)
    ax.scatter(ratio, y, c=colors, zorder=3)
    ax.axvline(1.0, color="black", lw=1)
    ax.set_yticks(y, [f"{r['program'].upper()} {r['claim_type']}" for r in rows], fontsize=8)
    ax.set_xlim(0, min(max(4.0, float(np.nanmax(ratio)) * 1.2), 8))
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    return ax


def heatmap(ax, grid: dict, title: str, xlabel: str, ylabel: str, fmt):
    """Values of a two-assumption grid (rows: first assumption, columns: second), annotated."""
    vals = np.asarray(grid["values"], dtype=float)
    ax.clear()
    im = ax.imshow(vals, origin="lower", aspect="auto", cmap="RdYlGn_r")
    ax.set_xticks(range(len(grid["b_values"])), [f"{v:g}" for v in np.round(grid["b_values"], 4)], fontsize=8)
    ax.set_yticks(range(len(grid["a_values"])), [f"{v:g}" for v in np.round(grid["a_values"], 4)], fontsize=8)
    for i in range(vals.shape[0]):
        for j in range(vals.shape[1]):
            ax.text(j, i, fmt(vals[i, j]), ha="center", va="center", fontsize=7)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return im


def legends_below(fig, fontsize: float = 9.5, ncol: int = 2, rename: dict | None = None):
    """Move each panel's legend below its axes (outside the lines), in readable type; tick labels
    at *fontsize* too; *rename* maps legend labels to clearer ones.  For charts shown on screen
    at their natural size (the dashboard)."""
    for ax in fig.axes:
        ax.tick_params(labelsize=fontsize)
        ax.title.set_fontsize(fontsize + 1)
        ax.xaxis.label.set_fontsize(fontsize)
        ax.yaxis.label.set_fontsize(fontsize)
        leg = ax.get_legend()
        if leg is None:
            continue
        handles, labels = ax.get_legend_handles_labels()
        labels = [(rename or {}).get(lab, lab) for lab in labels]
        ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=ncol,
                  fontsize=fontsize, frameon=False)
    return fig


def indonesian_ticks(ax, y_percent: bool = False):
    """Tick labels written as Indonesians read them: ``1.200`` (dot for thousands), ``2,5``, and
    probabilities as ``2,0%`` when *y_percent*."""
    from matplotlib.ticker import FuncFormatter

    def plain(x, _pos=None):
        return number(x, 0) if abs(x - round(x)) < 1e-9 else number(x, 1)

    ax.xaxis.set_major_formatter(FuncFormatter(plain))
    if y_percent:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _pos=None: number(100 * y, 1) + "%"))
    else:
        ax.yaxis.set_major_formatter(FuncFormatter(plain))
    return ax


def area_bars(ax, labels: list[str], contributions, claims, title: str, legend: tuple[str, str], xlabel: str):
    """Contributions and expected claims side by side for each area (horizontal bars, million
    rupiah), first area at the top; a map-free chart for the kecamatan of a regency."""
    y = np.arange(len(labels))[::-1]
    ax.clear()
    ax.barh(y + 0.2, _millions(contributions), height=0.4, color="#55a868", label=legend[0])
    ax.barh(y - 0.2, _millions(claims), height=0.4, color="#c44e52", label=legend[1])
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_xlabel(xlabel)
    ax.set_title(title, pad=22)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=8, frameon=False)
    return ax
