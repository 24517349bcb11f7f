"""Report names and titles that say what ``--set`` changed, so different scenarios never share a
file name and a report's title never claims programmes it does not have.

``report params/belu-2023.yaml --set programs.jht=true`` is named ``belu-2023_jht-true`` and titled
"Belu 2023: pekerja rentan, JKK + JKM + JHT (dengan JHT)".  An override that changes nothing
(``--set programs.jht=false`` on the baseline) changes neither.  ``--set scenario.name=NAME`` names
the report NAME.
"""
from __future__ import annotations

import hashlib
import re

from ..common.formatting import number, percent, rupiah

#: longest scenario part of a report file name (the date, a counter and the extension follow)
NAME_MAX = 120
_PROGRAMMES = re.compile(r"JK[KM](?:\s*\+\s*J(?:KK|KM|HT))+")


def _value(scen, key: str):
    return scen[key] if key in scen.values else scen.param(key)


def changed_keys(base, scen, overrides: list[str]) -> list[str]:
    """Keys named in *overrides* whose value differs from the scenario file's own (in order, once)."""
    out = []
    for item in overrides:
        key = item.split("=", 1)[0].strip()
        if key in out:
            continue
        try:
            if _value(base, key) != _value(scen, key):
                out.append(key)
        except (KeyError, LookupError):
            out.append(key)
    return out


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9.]+", "-", str(text).lower()).strip("-.") or "x"


def report_name(base, scen, overrides: list[str], lang: str = "id") -> str:
    """The file-name stem of a report (without the date); an English report ends in ``-en``."""
    suffix = "" if lang == "id" else f"-{lang}"
    keys = changed_keys(base, scen, overrides)
    if "scenario.name" in keys:
        return _cap(scen.name) + suffix
    parts = [scen.name]
    for key in keys:
        v = _value(scen, key)
        v = {True: "true", False: "false", None: "null"}.get(v, v) if isinstance(v, (bool, type(None))) else v
        parts.append(f"{_slug(key.split('.', 1)[-1] if key.count('.') == 1 else '.'.join(key.split('.')[-2:]))}-{_slug(v)}")
    return _cap("_".join(parts)) + suffix


def _cap(name: str) -> str:
    """At most :data:`NAME_MAX` characters: a long name is cut and ends in a hash of the whole."""
    if len(name) > NAME_MAX:
        digest = hashlib.sha256(name.encode()).hexdigest()[:10]
        name = name[:NAME_MAX - 11].rstrip("-_.") + "_" + digest
    return name


def programmes_text(scen) -> str:
    """``JKK + JKM + JHT``: the programmes switched on."""
    return " + ".join(p.upper() for p in ("jkk", "jkm", "jht") if scen["programs." + p]) or "-"


def retitle(title: str, programmes: str) -> str:
    """*title* with its list of programmes (``JKK + JKM``) replaced by the true one."""
    return _PROGRAMMES.sub(programmes, title, count=1)


_WORDS = {
    "income.declared_monthly": ("penghasilan {r}", "income {r}"),
    "budget.allocation": ("alokasi {r}", "allocation {r}"),
    "budget.months": ("{n} bulan", "{n} months"),
    "portfolio.workers": ("{n} peserta", "{n} workers"),
    "portfolio.villages": ("{n} desa", "{n} desa"),
    "budget.jht_regency_share": ("Pemda membayar {p} JHT", "regency pays {p} of JHT"),
    "scenario.start": ("mulai {v}", "starting {v}"),
    "simulation.seed": ("benih acak {v}", "seed {v}"),
    "budget.funded_until": ("didanai sampai {d}", "funded until {d}"),
}


def changes_in_words(scen, overrides: list[str], lang: str, base=None, programmes: bool = True) -> str:
    """What the overrides changed, in words (``dengan JHT; penghasilan Rp 1.500.000``); programme
    switches only with *programmes* (a title that lists the programmes already says them)."""
    if base is None:
        from ..inputs.scenario import load_scenario
        base = load_scenario(scen.files[-1], []) if scen.files else scen
    k = 0 if lang == "id" else 1
    out = []
    for key in changed_keys(base, scen, overrides):
        if key in ("scenario.name", "scenario.title", "scenario.description"):
            continue
        v = _value(scen, key)
        if key.startswith("programs."):
            if not programmes:
                continue
            prog = key.split(".")[1].upper()
            out.append((f"dengan {prog}", f"with {prog}")[k] if v else (f"tanpa {prog}", f"without {prog}")[k])
        elif key in _WORDS:
            fmt = _WORDS[key][k]
            if key == "portfolio.workers" and v == 1:
                fmt = ("1 peserta", "1 worker")[k]
            d = v
            if isinstance(v, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
                from .report_story import long_date
                d = long_date(v, lang)
            elif v is None:
                d = ("tanpa batas", "open-ended")[k]
            out.append(fmt.format(d=d, r=rupiah(v) if isinstance(v, (int, float)) else v,
                                  n=number(v) if isinstance(v, (int, float)) else v,
                                  p=percent(v, 0) if isinstance(v, (int, float)) else v, v=v))
        elif key in scen.params:
            p = scen.params[key]
            label = (p.label_id, p.label_en)[k]
            shown = rupiah(v) if p.unit in ("rupiah", "rupiah_per_month") and isinstance(v, (int, float)) else \
                number(v, 2) if isinstance(v, float) else str(v)
            out.append(f"{label} {shown}")
        else:
            out.append(f"{key} {v}")
    return "; ".join(out)
