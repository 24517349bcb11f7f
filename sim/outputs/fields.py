"""Number fields of the dashboard: what a person types, read as Indonesians write numbers.

Every number a person enters on the dashboard goes through :func:`parse` (which uses
:func:`sim.common.numbers.parse_number`: ``6.000`` is six thousand, ``2,5%`` two and a half per
cent, ``6,000`` is refused as ambiguous).  A value that is refused leaves the figures as they were
and shows a message beside the field; a value that is accepted is shown back in the canonical
Indonesian writing (``6000`` -> ``6.000``), so what the model uses is always what the page shows.

:class:`NumberField` is the widget (a label, an optional slider without an editable readout, a
text box and the message); it is imported lazily with ipywidgets.
"""
from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass

from ..common.formatting import number, rupiah
from ..common.numbers import NumberError, parse_number

KINDS = ("count", "rupiah", "percent", "factor", "whole")


@dataclass(frozen=True)
class FieldSpec:
    """One number field: its key, bilingual label, kind and inclusive bounds (in model units:
    rupiah, a fraction for ``percent``, a multiplier for ``factor``); ``step`` gives it a slider."""

    key: str
    label: tuple[str, str]
    kind: str
    lo: float
    hi: float
    step: float | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown field kind {self.kind!r}")


def _trim(x: float, decimals: int) -> str:
    """``2,5`` / ``2`` / ``0,25``: Indonesian decimals without trailing zeros."""
    s = number(x, decimals)
    return s.rstrip("0").rstrip(",") if "," in s else s


def show(spec: FieldSpec, value: float) -> str:
    """*value* written as the field shows it: ``5.892``, ``Rp 1.175.126.400``, ``2,5%``, ``1,2``."""
    if spec.kind in ("count", "whole"):
        return number(value)
    if spec.kind == "rupiah":
        return rupiah(value, 0 if float(value).is_integer() else 2)
    if spec.kind == "percent":
        return _trim(100 * value, 4) + "%"
    return _trim(value, 4)


def parse(spec: FieldSpec, text: str) -> float:
    """The value *text* stands for in field *spec*, in model units; raises
    :class:`~sim.common.numbers.NumberError` with a bilingual message (bounds included).

    A percent field reads ``2,5`` and ``2,5%`` alike as 2.5% (the field is in per cent); a factor
    field ignores a trailing ``x`` or ``×``; counts, months and rupiah must be whole numbers."""
    raw = str(text).strip()
    if spec.kind == "percent":
        value = parse_number(raw, percent=True)
        value = value if raw.endswith("%") else value / 100
    elif spec.kind == "factor":
        value = parse_number(re.sub(r"\s*[x×X]$", "", raw))
    else:
        value = parse_number(raw, integer=True)
        if spec.kind != "rupiah" and value != int(value):    # pragma: no cover - integer=True checks it
            raise NumberError(f"'{raw}' harus bilangan bulat / expected a whole number")
    if not spec.lo - 1e-12 <= value <= spec.hi + 1e-12:
        raise NumberError(f"'{raw}': di luar batas {show(spec, spec.lo)} sampai {show(spec, spec.hi)} / "
                          f"outside the range {show(spec, spec.lo)} to {show(spec, spec.hi)}")
    if spec.kind == "percent":
        value = round(value, 10)          # 2,3% is 0.023, not 0.022999999999999996
    return int(value) if spec.kind in ("count", "whole") else float(value)


class NumberField:
    """A labelled number box (with an optional slider) that accepts only unambiguous Indonesian
    writing.  ``value`` is the last accepted value; *on_change* is called after each accepted
    change; ``error`` holds the message of a refused entry (empty when none)."""

    def __init__(self, spec: FieldSpec, value: float, on_change=None, label_width: str = "168px",
                 box_width: str = "140px", slider_width: str = "104px"):
        import ipywidgets as w

        self.spec = spec
        self._value = value
        self._on_change = on_change
        self._busy = False
        self.error = ""
        idn, en = spec.label
        self.label = w.HTML(f"<span class='lbl-id'>{html.escape(idn)}</span> <span class='lbl-en'>{html.escape(en)}</span>",
                            layout=w.Layout(width=label_width, min_width=label_width))
        self.text = w.Text(value=show(spec, value), continuous_update=False,
                           layout=w.Layout(width=box_width, min_width=box_width))
        self.text.add_class("f-" + spec.key)
        self.text.observe(self._typed, names="value")
        self.slider = None
        parts = [self.label]
        if spec.step:
            cls = w.IntSlider if spec.kind in ("count", "whole") else w.FloatSlider
            self.slider = cls(value=value, min=spec.lo, max=spec.hi, step=spec.step, readout=False,
                              continuous_update=False, layout=w.Layout(width=slider_width, min_width=slider_width))
            self.slider.observe(self._slid, names="value")
            parts.append(self.slider)
        else:                                   # keep the boxes in one column
            parts.append(w.Box(layout=w.Layout(width=slider_width, min_width=slider_width, margin="2px")))
        parts.append(self.text)
        self.message = w.HTML(layout=w.Layout(display="none"))
        self.message.add_class("field-msg")
        self.widget = w.VBox([w.HBox(parts, layout=w.Layout(align_items="center")), self.message],
                             layout=w.Layout(margin="0 0 2px 0"))
        self.widget.add_class("field")
        self.widget.add_class("field-" + spec.key)

    @property
    def value(self):
        return self._value

    @value.setter
    def value(self, v):
        """Set from code (benchmarks, tests): shown at once, change observers called."""
        self.text.value = show(self.spec, v)
        if self._value != v:           # the text may not have changed (same writing)
            self._accept(v)

    def _typed(self, change):
        if self._busy:
            return
        try:
            v = parse(self.spec, change["new"])
        except NumberError as exc:
            self._refuse(str(exc))
            return
        self._accept(v)

    def _slid(self, change):
        if self._busy:
            return
        v = change["new"]
        if self.spec.kind == "percent":
            v = round(v, 10)
        self._accept(v)

    def _accept(self, v):
        self.error = ""
        self.message.value = ""
        self.message.layout.display = "none"
        self.text.remove_class("bad")
        self._busy = True
        try:
            self.text.value = show(self.spec, v)
            if self.slider is not None and math.isfinite(v):
                self.slider.value = min(max(v, self.spec.lo), self.spec.hi)
        finally:
            self._busy = False
        changed = v != self._value
        self._value = v
        if changed and self._on_change is not None:
            self._on_change(self)

    def _refuse(self, message: str):
        """Keep the last accepted value (and the figures); say why beside the field."""
        self.error = message
        self.text.add_class("bad")
        self.message.value = (f"<span class='msg-bad' role='alert'>{html.escape(message)}. "
                              f"Angka di layar tetap untuk {html.escape(show(self.spec, self._value))} / "
                              f"figures still for {html.escape(show(self.spec, self._value))}</span>")
        self.message.layout.display = ""
        if self._on_change is not None:
            self._on_change(self)
