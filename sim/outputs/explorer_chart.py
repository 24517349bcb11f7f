"""The dashboard's claims chart as PNG bytes, redrawn in a few milliseconds (issue 10).

The chart is :func:`sim.outputs.plots.claims_histogram` (the year's total claims by Rp 10 M bands
up to the 99.9% point, the VaR 99.5% and the contributions marked), drawn on one matplotlib
``Figure`` with its own Agg canvas and a fixed layout (no pyplot, no ``tight_layout``, no
clearing).  A change of figures only moves the existing artists (``Stairs.set_data``,
``Line2D.set_xdata``, the key's texts) and draws them over a cached picture of everything else:

* the axis limits are rounded up to a "nice" value (:func:`nice_ceiling`: 1, 1.2, 1.5, 2, 2.5,
  3, 4, 5, 6, 8 times a power of ten), so most changes keep the limits and with them the ticks;
* the frame, ticks, tick labels, axis labels and title (text is most of a matplotlib drawing's
  time) are drawn once for each pair of limits and kept as a pixel copy (a few per chart);
* the bars, the two lines, the spines over them and the key (a legend laid out in pixels) are
  then drawn on that copy, in the order a full drawing uses, so the picture equals a chart drawn
  afresh (tests compare the pixels);
* the PNG is written directly (:func:`png_bytes`).

Labels are Indonesian first: ``VaR 99,5%: 1.365 jt``, probabilities as ``2,0%``.
"""
from __future__ import annotations

import math
import struct
import zlib

import numpy as np

from ..common.formatting import number
from .plots import claims_histogram, indonesian_ticks

#: pixel copies of the static layer kept (one per pair of axis limits seen lately)
BACKGROUNDS = 6
_STEPS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def nice_ceiling(x: float) -> float:
    """The smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten that is >= *x*
    (at most a third above *x*); 1 for *x* <= 0 or not finite."""
    if not (x > 0 and math.isfinite(x)):
        return 1.0
    e = 10.0 ** math.floor(math.log10(x))
    for m in _STEPS:
        v = m * e
        if v >= x * (1 - 1e-12):
            return float(f"{v:.12g}")   # 1.2e-3, not 0.0012000000000000001
    return 10.0 * e


class ClaimsChart:
    """The claims chart of the dashboard; :meth:`png` draws given figures and returns PNG bytes."""

    def __init__(self, title: str, labels: dict, size=(8.6, 3.25), dpi: int = 100):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator

        self.labels = labels
        self.fig = Figure(figsize=size, dpi=dpi)
        self.canvas = FigureCanvasAgg(self.fig)
        self.ax = ax = self.fig.subplots()
        self.fig.subplots_adjust(left=0.09, right=0.965, bottom=0.16, top=0.9)   # room for the last tick label
        self.stairs = ax.stairs([0.0], [0.0, 1.0], fill=True, color="#4c72b0")
        self.var = ax.axvline(0.0, color="#c44e52", lw=2, label=labels["var"])
        self.contrib = ax.axvline(0.0, color="#55a868", lw=2, ls="--", label=labels["contributions"])
        self.key_artists = self._make_key()
        for a in (self.stairs, self.var, self.contrib, *ax.spines.values(), *self.key_artists):
            a.set_animated(True)      # drawn over the cached static layer, not in it
        # at most 7 and 5 ticks: tick labels are most of a drawing's time
        ax.xaxis.set_major_locator(MaxNLocator(6))
        ax.yaxis.set_major_locator(MaxNLocator(4))
        ax.set_xlabel(labels["x"])
        ax.set_ylabel(labels["y"])
        ax.set_title(title)
        indonesian_ticks(ax, y_percent=True)
        self._backgrounds: dict[tuple, object] = {}
        self.key = None          # the figures last drawn
        self.last: bytes = b""

    def png(self, dist, contributions: float, var: float) -> bytes:
        """The chart of *dist* (a lattice distribution of the year's total claims, rupiah) with the
        contributions and the VaR 99.5% marked, as PNG bytes (the same bytes again while the figures
        stay)."""
        key = (id(dist), dist.h, dist.pmf.size, float(contributions), float(var))
        if key == self.key and getattr(self, "_dist", None) is dist:
            return self.last
        probs, edges, top = claims_histogram(dist, contributions)
        x_edges = np.asarray(edges, dtype=float) / 1e6
        var_label = f"{self.labels['var']}: {number(var / 1e6)} jt"
        contrib_label = f"{self.labels['contributions']}: {number(contributions / 1e6)} jt"
        self.stairs.set_data(probs, x_edges)
        for line, text, x, lab in zip((self.var, self.contrib), self.key_texts, (var, contributions),
                                      (var_label, contrib_label)):
            line.set_xdata([x / 1e6] * 2)
            line.set_label(lab)
            text.set_text(lab)
        pmax = float(probs.max()) if probs.size else 0.0
        limits = (nice_ceiling(max(top, contributions, 1.0) * 1.05 / 1e6),   # all-zero claims: a visible axis
                  nice_ceiling(pmax * 1.05) if pmax > 0 else 1.0)
        self.last = self._draw(limits)
        self.key, self._dist = key, dist
        return self.last

    def _draw(self, limits: tuple[float, float]) -> bytes:
        bg = self._backgrounds.pop(limits, None)
        if bg is None:
            self.ax.set_xlim(0, limits[0])
            self.ax.set_ylim(0, limits[1])
            self.canvas.draw()                        # the static layer (animated artists skipped)
            bg = self.canvas.copy_from_bbox(self.fig.bbox)
            while len(self._backgrounds) >= BACKGROUNDS:
                self._backgrounds.pop(next(iter(self._backgrounds)))
        else:
            self.ax.set_xlim(0, limits[0])
            self.ax.set_ylim(0, limits[1])
            self.canvas.restore_region(bg)
        self._backgrounds[limits] = bg                 # most recently used last
        renderer = self.canvas.get_renderer()
        self._place_key(renderer)
        # the order of a full drawing: bars (zorder 1), lines (2), spines (2.5), key (5)
        for a in (self.stairs, self.var, self.contrib, *self.ax.spines.values(), *self.key_artists):
            a.draw(renderer)
        return _encode(self.canvas)

    # the key (legend) of the two lines, in pixels: a framed box in the upper right corner of the axes,
    # a sample of each line and its label; laid out here in a few arithmetic steps (matplotlib's
    # Legend spends milliseconds of Python on the same layout at every drawing)
    _PAD, _HANDLE, _GAP, _LINE, _INSET = 5.0, 22.0, 6.0, 14.0, 6.0

    def _make_key(self):
        from matplotlib.lines import Line2D
        from matplotlib.patches import FancyBboxPatch
        from matplotlib.text import Text
        from matplotlib.transforms import IdentityTransform
        px = IdentityTransform()
        self.key_box = FancyBboxPatch((0, 0), 1, 1, boxstyle="round,pad=0,rounding_size=3", transform=px,
                                      facecolor="white", edgecolor="0.8", alpha=0.8, lw=1.0, zorder=5)
        self.key_lines = [Line2D([0, 1], [0, 0], color=ln.get_color(), lw=2, ls=ln.get_linestyle(), transform=px,
                                 zorder=5.1)
                          for ln in (self.var, self.contrib)]
        self.key_texts = [Text(0, 0, "", fontsize=8, ha="left", va="center", transform=px, zorder=5.2) for _ in range(2)]
        artists = [self.key_box, *self.key_lines, *self.key_texts]
        for a in artists:
            self.fig.add_artist(a)       # drawn after the axes, as a legend of zorder 5 would be
        return artists

    def _place_key(self, renderer):
        P, H, G, L, I = self._PAD, self._HANDLE, self._GAP, self._LINE, self._INSET
        widths = [t.get_window_extent(renderer).width for t in self.key_texts]
        w = P + H + G + max(widths) + P
        h = P + 2 * L + P
        ab = self.ax.bbox
        x0, top = ab.x1 - I - w, ab.y1 - I
        self.key_box.set_bounds(x0, top - h, w, h)
        for i, (line, text) in enumerate(zip(self.key_lines, self.key_texts)):
            y = top - P - L * (i + 0.5)
            line.set_data([x0 + P, x0 + P + H], [y, y])
            text.set_position((x0 + P + H + G, y))


def _encode(canvas) -> bytes:
    """The canvas as an RGB PNG (:func:`png_bytes`)."""
    return png_bytes(np.asarray(canvas.buffer_rgba())[:, :, :3])


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bytes(rgb: np.ndarray, level: int = 1) -> bytes:
    """An 8-bit RGB image (height x width x 3) as a PNG file (PNG specification, ISO/IEC 15948:
    IHDR, one IDAT of zlib-compressed scanlines with filter type 0, IEND).  A chart is mostly flat
    colour: unfiltered rows at zlib level 1 are about as small as PIL's adaptive filters and
    four times quicker to write."""
    h, w, _ = rgb.shape
    raw = np.zeros((h, 1 + 3 * w), dtype=np.uint8)    # each row: filter byte 0, then R G B ...
    raw[:, 1:] = rgb.reshape(h, 3 * w)
    head = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)  # 8 bits, colour type 2 (RGB), no interlace
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", head) + _chunk(b"IDAT", zlib.compress(raw.tobytes(), level))
            + _chunk(b"IEND", b""))
