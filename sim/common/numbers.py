"""Reading numbers as Indonesians write them: ``1.175.126.400``, ``6.000``, ``2,5%``, ``1.500.000,00``.

One parser for every place a person types a number (the planner's ``--allocation``, the
dashboard's fields, roster cells), so that the same text always means the same number.

Rules (Indonesian first; nothing is guessed):

- a dot followed by groups of exactly three digits separates thousands: ``6.000`` = 6000,
  ``1.175.126.400``; a comma is the decimal mark: ``2,5`` = 2.5, ``1.500.000,00`` = 1500000;
- plain digits, with an optional ``.`` decimal whose digits are not a group of three
  (``0.02``, ``2.5``, ``1e6`` as a program writes them), are read as written;
- English grouping is read only where it cannot mean anything else (``1,175,126,400``,
  ``1,500,000.00``);
- ambiguous text is refused with a message saying how to write it: ``6,000`` (six in Indonesian,
  six thousand in English); so is anything else that is not a number;
- ``Rp`` in front and spaces (also non-breaking) are ignored; ``%`` at the end divides by 100 where
  percentages are allowed.
"""
from __future__ import annotations

import math
import re

_ID_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$")
_ID_DECIMAL = re.compile(r"^\d+,\d+$")
_EN_GROUPED = re.compile(r"^\d{1,3}(,\d{3}){2,}(\.\d+)?$|^\d{1,3}(,\d{3})+\.\d+$")
_PLAIN = re.compile(r"^\d+(\.\d+)?([eE][+-]?\d+)?$|^\.\d+$")


class NumberError(ValueError):
    """Text that is not a number, or could be read two ways; the message is bilingual."""


def parse_number(text, *, percent: bool = False, integer: bool = False,
                 minimum: float | None = None, maximum: float | None = None) -> float:
    """The number *text* stands for, by the rules of this module's docstring.

    ``percent``: a trailing ``%`` is allowed and divides by 100.  ``integer``: the result must be a
    whole number.  ``minimum`` / ``maximum``: inclusive bounds.  Numbers (int/float) pass through
    the same checks.  Raises :class:`NumberError` with an Indonesian / English message that quotes
    the text typed (callers handling personal data must not pass roster cells here unless they
    catch the error and report the row and column instead).
    """
    if isinstance(text, bool):
        raise NumberError("expected a number / bukan angka")
    if isinstance(text, (int, float)):
        value = float(text)
        shown = str(text)
    else:
        shown = str(text).strip()
        s = shown.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
        s = re.sub(r"^[Rr][Pp]\.?", "", s)
        sign = 1.0
        if s.startswith("-"):
            sign, s = -1.0, s[1:]
        scale = 1.0
        if s.endswith("%"):
            if not percent:
                raise NumberError(f"'{shown}': persen tidak berlaku di sini / a percentage is not allowed here")
            scale, s = 0.01, s[:-1]
        if not s:
            raise NumberError("kosong: tulis sebuah angka / empty: expected a number")
        if _ID_GROUPED.match(s):
            value = float(s.replace(".", "").replace(",", "."))
        elif _ID_DECIMAL.match(s):
            if re.match(r"^\d{1,3},\d{3}$", s):
                raise NumberError(f"'{shown}' bisa dibaca dua cara: tulis {s.replace(',', '.')} untuk ribuan "
                                  f"atau {s.split(',')[0]} / ambiguous: write {s.replace(',', '.')} for thousands")
            value = float(s.replace(",", "."))
        elif _EN_GROUPED.match(s):
            value = float(s.replace(",", ""))
        elif _PLAIN.match(s):
            value = float(s)
        else:
            raise NumberError(f"'{shown}' bukan angka (contoh: 1.175.126.400 atau 2,5) / "
                              f"not a number (e.g. 1.175.126.400 or 2,5)")
        value = sign * value * scale
    if not math.isfinite(value):
        raise NumberError(f"'{shown}' bukan angka terhingga / not a finite number")
    if integer and value != math.floor(value):
        raise NumberError(f"'{shown}' harus bilangan bulat / expected a whole number")
    if minimum is not None and value < minimum:
        raise NumberError(f"'{shown}' di bawah batas {minimum:g} / below the minimum {minimum:g}")
    if maximum is not None and value > maximum:
        raise NumberError(f"'{shown}' di atas batas {maximum:g} / above the maximum {maximum:g}")
    return value
