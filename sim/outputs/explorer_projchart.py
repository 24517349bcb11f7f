"""The dashboard's projection chart as PNG bytes, redrawn in a few milliseconds (issue 10).

The two panels of :func:`sim.outputs.plots.projection_rows_figure` as the dashboard shows them
(legends below the axes, Indonesian tick labels): the budget by year (need, allocation, expected
claims, JKK + JKM contributions) and, with JHT on, the JHT fund's median and percentile bands
(an empty panel without JHT).  As :class:`sim.outputs.explorer_chart.ClaimsChart`: one ``Figure``
with its own Agg canvas and a fixed layout; the axis limits are nice values (the years axis
follows the number of years only), the frame, ticks, titles and legends are drawn once for each
set of limits and kept as a pixel copy, and a change only moves the lines and bands
(``Line2D.set_data``, ``PolyCollection.set_verts``) and draws them over that copy, in the order a
full drawing uses (tests compare the pixels).
"""
from __future__ import annotations

import numpy as np

from .explorer_chart import BACKGROUNDS, _encode, nice_ceiling
from .plots import indonesian_ticks

_C = {"need": "#4c72b0", "allocation": "#55a868", "claims": "#c44e52", "contributions": "#8172b2", "jht": "#dd8452"}


def _lab(a: str, b: str) -> str:
    return f"{a} / {b}"


class ProjectionChart:
    """The projection tab's chart; :meth:`png` draws projection rows and returns PNG bytes."""

    def __init__(self, size=(8.6, 3.9), dpi: int = 100, fontsize: float = 9.5):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.fig = Figure(figsize=size, dpi=dpi)
        self.canvas = FigureCanvasAgg(self.fig)
        self.ax1, self.ax2 = self.fig.subplots(1, 2)
        self.fig.subplots_adjust(left=0.08, right=0.975, bottom=0.34, top=0.9, wspace=0.22)
        ax1, ax2 = self.ax1, self.ax2
        e = np.zeros(1)
        self.lines = {
            "need": ax1.plot(e, e, marker="o", ms=3, color=_C["need"], label=_lab("Kebutuhan", "Need"))[0],
            "allocation": ax1.plot(e, e, drawstyle="steps-mid", color=_C["allocation"], ls="--",
                                   label=_lab("Alokasi", "Allocation"))[0],
            "claims": ax1.plot(e, e, marker="s", ms=3, color=_C["claims"], label=_lab("Klaim harapan", "Expected claims"))[0],
            "contributions": ax1.plot(e, e, color=_C["contributions"], ls=":",
                                      label=_lab("Iuran JKK+JKM", "JKK+JKM contributions"))[0],
        }
        self.bands = [ax2.fill_between(e, e, e, color=_C["jht"], alpha=a, label=lab)
                      for a, lab in ((0.2, "persentil / percentile 5-95"), (0.4, "persentil / percentile 25-75"))]
        self.median = ax2.plot(e, e, color=_C["jht"], lw=2, label="median")[0]
        ax1.set_title(_lab("Anggaran per tahun", "Budget by year"), fontsize=fontsize + 1)
        ax2.set_title(_lab("Dana JHT (persentil)", "JHT fund (percentiles)"), fontsize=fontsize + 1)
        for ax in (ax1, ax2):
            ax.set_xlabel(_lab("Tahun ke", "Year"), fontsize=fontsize)
            ax.set_ylabel(_lab("juta rupiah", "million rupiah"), fontsize=fontsize)
            ax.tick_params(labelsize=fontsize)
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=fontsize, frameon=False)
            indonesian_ticks(ax)
        self.dynamic = {1: [*self.lines.values(), *ax1.spines.values()],
                        2: [*self.bands, self.median, *ax2.spines.values()]}
        for a in self.dynamic[1] + self.dynamic[2]:
            a.set_animated(True)      # drawn over the cached static layer, not in it
        self._backgrounds: dict[tuple, object] = {}
        self.key = None
        self.last: bytes = b""

    def png(self, rows: list[dict]) -> bytes:
        """The chart of projection *rows* (:func:`sim.analyses.projection.summary_rows`, with the JHT
        fund's percentiles when JHT is on) as PNG bytes (the same bytes again for the same rows)."""
        yrs = np.array([r["year"] for r in rows], dtype=float)
        series = {
            "need": [r["budget"]["required"] for r in rows],
            "allocation": [r["budget"]["allocation"] for r in rows],
            "claims": [r["expected_claims"]["total"] for r in rows],
            "contributions": [r["contributions"]["jkk"] + r["contributions"]["jkm"] for r in rows],
        }
        series = {k: np.asarray(v, dtype=float) / 1e6 for k, v in series.items()}
        jht = bool(rows) and "fund_percentiles" in rows[0].get("jht", {})
        pct = ({k: np.array([r["jht"]["fund_percentiles"][k] for r in rows], dtype=float) / 1e6
                for k in ("5", "25", "50", "75", "95")} if jht else {})
        key = (yrs.tobytes(), tuple(v.tobytes() for v in series.values()), tuple(v.tobytes() for v in pct.values()))
        if key == self.key:
            return self.last
        for k, line in self.lines.items():
            line.set_data(yrs, series[k])
        top1 = max((float(v.max()) for v in series.values() if v.size), default=0.0)
        top2 = 0.0
        if jht:
            for band, (lo, hi) in zip(self.bands, (("5", "95"), ("25", "75"))):
                band.set_verts([np.column_stack([np.concatenate([yrs, yrs[::-1]]),
                                                 np.concatenate([pct[lo], pct[hi][::-1]])])])
            self.median.set_data(yrs, pct["50"])
            top2 = float(pct["95"].max())
        n = max(yrs.size, 1)
        first, last = (float(yrs[0]), float(yrs[-1])) if yrs.size else (0.0, 1.0)
        pad = 0.05 * (last - first) if last > first else 0.5       # matplotlib's own x margin
        limits = (first - pad, last + pad, nice_ceiling(top1 * 1.05) if top1 > 0 else 1.0,
                  (nice_ceiling(top2 * 1.05) if top2 > 0 else 1.0) if jht else None, n)
        self.last = self._draw(limits, jht)
        self.key = key
        return self.last

    def _draw(self, limits, jht: bool) -> bytes:
        x0, x1, y1, y2, _ = limits
        for ax, y in ((self.ax1, y1), (self.ax2, y2)):
            ax.set_xlim(x0, x1)
            if y is not None:
                ax.set_ylim(0, y)
        self.ax2.set_visible(jht)                     # without JHT an empty panel, as the report's
        bg = self._backgrounds.pop(limits, None)
        if bg is None:
            self.canvas.draw()                        # the static layer (animated artists skipped)
            bg = self.canvas.copy_from_bbox(self.fig.bbox)
            while len(self._backgrounds) >= BACKGROUNDS:
                self._backgrounds.pop(next(iter(self._backgrounds)))
        else:
            self.canvas.restore_region(bg)
        self._backgrounds[limits] = bg                 # most recently used last
        renderer = self.canvas.get_renderer()
        # the order of a full drawing: bands (zorder 1), lines (2), spines (2.5); panel by panel
        for a in self.dynamic[1] + (self.dynamic[2] if jht else []):
            a.draw(renderer)
        return _encode(self.canvas)
