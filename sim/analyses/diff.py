"""What changed between two reports, and why: ``python -m sim diff OLD.json NEW.json``.

A report JSON records its inputs (:func:`snapshot`: every scenario setting and every parameter
value in force on the start date, under ``inputs``) and its provenance (report parameters,
SHA-256 of every input file).  :func:`diff` lists the inputs that changed and how each headline
figure moved.

Attribution (a step-by-step reconciliation, as actuarial valuation reports reconcile with the
previous one): starting from the old report's figures, the inputs are replaced by the new ones
one group at a time in the fixed order of :data:`ORDER`, and the one-year figures are recomputed
exactly after each replacement (closed-form expectations and the exact FFT distribution; no
Monte Carlo).  A step's effect is the change it makes.  Two further lines make the sum exact:
``code_and_data`` first (the old inputs recomputed by this version of ``sim`` minus the old
report's figures: a change of model code or of data tables that the inputs do not record) and
``residual`` last (the new report's figures minus the recomputed new inputs, normally zero).
The effects depend on the order (interactions fall to the later step), which is why the order is
fixed and printed.  A roster file cannot be replayed (its rows are never copied into a report),
so a change of roster leaves the attribution out and says so.
"""
from __future__ import annotations

import json

from ..common.paths import relative

#: the attribution's fixed order: (step, Indonesian label, English label, key prefixes)
ORDER = (
    ("law", "Regulasi (params/policy)", "Regulation (params/policy)", ("policy.",)),
    ("assumptions", "Asumsi aktuaria", "Actuarial assumptions", ("assumptions.",)),
    ("portfolio", "Peserta", "Portfolio (workers)", ("portfolio.",)),
    ("income", "Penghasilan dilaporkan", "Declared income", ("income.",)),
    ("programmes", "Program", "Programmes", ("programs.",)),
    ("budget", "Anggaran", "Budget", ("budget.",)),
    ("start", "Tanggal mulai", "Start date", ("scenario.start",)),
    ("simulation", "Pengaturan simulasi", "Simulation settings", ("simulation.",)),
)
#: headline figures: (dotted key, Indonesian label, English label, kind)
FIGURES = (
    ("workers", "Peserta", "Workers", "count"),
    ("contributions.total", "Iuran setahun", "Contributions a year", "rupiah"),
    ("budget.required", "Kebutuhan anggaran", "Budget required", "rupiah"),
    ("budget.difference", "Selisih anggaran", "Budget difference", "rupiah"),
    ("expected_claims.jkk", "Klaim harapan JKK", "Expected claims JKK", "rupiah"),
    ("expected_claims.jkm", "Klaim harapan JKM", "Expected claims JKM", "rupiah"),
    ("expected_claims.total", "Klaim harapan JKK + JKM", "Expected claims JKK + JKM", "rupiah"),
    ("loss_ratio.total", "Rasio klaim", "Loss ratio", "percent"),
    ("var_99_5", "VaR 99,5%", "VaR 99.5%", "rupiah"),
    ("tvar_99_5", "TVaR 99,5%", "TVaR 99.5%", "rupiah"),
    ("prob_claims_exceed_contributions", "Peluang klaim > iuran", "P(claims > contributions)", "percent"),
    ("expected_deaths", "Kematian harapan", "Expected deaths", "decimal"),
    ("expected_accidents", "Kecelakaan harapan", "Expected accidents", "decimal"),
)
_NOT_INPUTS = ("scenario.name", "scenario.title", "scenario.description")


def _plain(value):
    """A JSON-shaped copy (mapping keys as text), so recorded and live values compare equal."""
    return json.loads(json.dumps(value, default=float))


def snapshot(scen) -> dict:
    """The inputs of a run, for the report JSON: settings (dotted keys) and parameters in force on
    the start date.  The roster is recorded by its project-relative path only (never its rows)."""
    from ..inputs.scenario import SCHEMA
    settings = {k: scen.values.get(k) for k in SCHEMA}
    roster = scen.roster_path()
    settings["portfolio.roster"] = None if roster is None else relative(roster)
    params = {name: scen.param(name) for name in scen.params.names()}
    return _plain({"settings": settings, "parameters": params})


def _get(obj, path: str):
    if not isinstance(obj, dict):
        return None
    if path in obj:
        return obj[path]
    head, _, rest = path.partition(".")
    return _get(obj.get(head), rest) if rest else None


def figures(report: dict) -> dict:
    """The headline figures of a report (or ``run --json``) dict, by dotted key."""
    return {k: _get(report, k) for k, *_ in FIGURES}


def _changes(old: dict, new: dict) -> list[dict]:
    keys = sorted(set(old) | set(new))
    return [{"key": k, "old": old.get(k), "new": new.get(k)} for k in keys if old.get(k) != new.get(k)]


def _files(old: dict, new: dict) -> list[dict]:
    out = []
    for k in sorted(set(old) | set(new)):
        if k not in old:
            out.append({"path": k, "change": "added"})
        elif k not in new:
            out.append({"path": k, "change": "removed"})
        elif old[k] != new[k]:
            out.append({"path": k, "change": "changed"})
    return out


def _scenario_from(inputs: dict):
    """A scenario built from recorded inputs (every parameter pinned to its recorded value)."""
    from ..inputs.params import load_parameters
    from ..inputs.scenario import Scenario
    params = load_parameters()
    overrides = {k: v for k, v in inputs["parameters"].items() if k in params}
    return Scenario(dict(inputs["settings"]), overrides, params, [])


def _recompute(inputs: dict) -> dict:
    from .model import compute, summarize
    scen = _scenario_from(inputs)
    return figures(summarize(scen, compute(scen, mc_years=0), checks=False))


def _delta(a: dict, b: dict) -> dict:
    return {k: (b[k] - a[k]) if isinstance(a.get(k), (int, float)) and isinstance(b.get(k), (int, float)) else None
            for k in b}


def attribution(old: dict, new: dict, old_figs: dict, new_figs: dict) -> dict:
    """Replace the old inputs by the new ones a group at a time, in :data:`ORDER` (module docstring)."""
    oi, ni = old.get("inputs"), new.get("inputs")
    order = [s for s, *_ in ORDER]
    if not oi or not ni:
        return {"available": False, "order": order,
                "note": "a report without recorded inputs (made before sim recorded them): no attribution"}
    if oi["settings"].get("portfolio.roster") or ni["settings"].get("portfolio.roster"):
        return {"available": False, "order": order,
                "note": "a roster file cannot be replayed (its rows are not kept in reports): no attribution"}
    cur = {"settings": dict(oi["settings"]), "parameters": dict(oi["parameters"])}
    prev = _recompute(cur)
    steps = [{"step": "code_and_data", "keys": [], "effect": _delta(old_figs, prev)}]
    for step, _, _, prefixes in ORDER:
        keys = []
        for part in ("settings", "parameters"):
            for k in sorted(set(cur[part]) | set(ni[part])):
                if k.startswith(prefixes) and cur[part].get(k) != ni[part].get(k):
                    cur[part][k] = ni[part].get(k)
                    keys.append(k)
        if not keys:
            steps.append({"step": step, "keys": [], "effect": {k: 0.0 for k in prev}})
            continue
        now = _recompute(cur)
        steps.append({"step": step, "keys": keys, "effect": _delta(prev, now)})
        prev = now
    steps.append({"step": "residual", "keys": [], "effect": _delta(prev, new_figs)})
    return {"available": True, "order": ["code_and_data"] + order + ["residual"], "steps": steps}


def diff(old: dict, new: dict) -> dict:
    """Changed inputs, moved figures and their attribution between two report dicts."""
    po, pn = old.get("provenance") or {}, new.get("provenance") or {}
    oi, ni = old.get("inputs") or {}, new.get("inputs") or {}
    fo, fn = figures(old), figures(new)
    moved = []
    for key, lid, len_, kind in FIGURES:
        a, b = fo[key], fn[key]
        if a is None and b is None:
            continue
        ch = b - a if isinstance(a, (int, float)) and isinstance(b, (int, float)) else None
        moved.append({"key": key, "label_id": lid, "label_en": len_, "kind": kind, "old": a, "new": b, "change": ch,
                      "relative": ch / a if ch is not None and a else None})
    settings = [c for c in _changes(oi.get("settings") or {}, ni.get("settings") or {}) if c["key"] not in _NOT_INPUTS]
    return {
        "old": {"scenario": old.get("scenario"), "run_at": po.get("run_at"), "version": po.get("version", old.get("version"))},
        "new": {"scenario": new.get("scenario"), "run_at": pn.get("run_at"), "version": pn.get("version", new.get("version"))},
        "inputs": {
            "settings": settings,
            "parameters": _changes(oi.get("parameters") or {}, ni.get("parameters") or {}),
            "files": _files(po.get("input_sha256") or {}, pn.get("input_sha256") or {}),
            "report_parameters": _changes(po.get("parameters") or {}, pn.get("parameters") or {}),
        },
        "figures": moved,
        "attribution": attribution(old, new, fo, fn),
    }


def read_report(path) -> dict:
    """A report JSON, with a clear InputError when it is missing or not a report."""
    from pathlib import Path

    from ..common.errors import InputError, Problem
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError([Problem(str(path), "", "file not found; expected a report JSON")]) from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError([Problem(str(path), "", f"not a JSON file ({type(exc).__name__}); expected a report JSON")]) from None
    if not isinstance(data, dict) or "expected_claims" not in data or "scenario" not in data:
        raise InputError([Problem(str(path), "", "not a report JSON (expected the keys scenario, expected_claims, "
                                  "provenance as written by python -m sim report)")])
    return data
