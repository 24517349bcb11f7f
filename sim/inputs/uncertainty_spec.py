"""The written form of a parameter-uncertainty distribution (``params/assumptions/uncertainty.yaml``).

``{family: fixed}``, ``{family: gamma | lognormal, cv: c, nodes: n}`` or ``{family: normal, sd: s,
nodes: n}``: a factor with mean 1 (gamma, lognormal) or a shift with mean 0 (normal); ``cv`` the
coefficient of variation (0-3), ``sd`` the standard deviation (0-20), ``nodes`` the Gauss
quadrature points (1-25, default 5).  :func:`check_spec` says what is wrong with a value.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

FAMILIES = ("fixed", "gamma", "lognormal", "normal")
MAX_NODES = 25
_SPREAD = {"gamma": ("cv", 3.0), "lognormal": ("cv", 3.0), "normal": ("sd", 20.0)}


@dataclass(frozen=True)
class Spec:
    """A validated uncertainty distribution: *family*, its *spread* (cv or sd) and quadrature *nodes*."""

    family: str
    spread: float = 0.0
    nodes: int = 1

    @property
    def degenerate(self) -> bool:
        return self.family == "fixed" or self.spread == 0 or self.nodes == 1

    def as_dict(self) -> dict:
        if self.family == "fixed":
            return {"family": "fixed"}
        return {"family": self.family, _SPREAD[self.family][0]: self.spread, "nodes": self.nodes}


def check_spec(value) -> str | None:
    """What is wrong with *value* as an uncertainty distribution, or None."""
    want = "expected a mapping {family: fixed, gamma, lognormal or normal, cv or sd, nodes}"
    if not isinstance(value, dict) or "family" not in value:
        return f"{want}, got {value!r}"
    fam = value["family"]
    if fam not in FAMILIES:
        return f"family: expected one of {', '.join(FAMILIES)}, got {fam!r}"
    allowed = {"family"} | ({"nodes", _SPREAD[fam][0]} if fam in _SPREAD else set())
    extra = sorted(set(map(str, value)) - allowed)
    if extra:
        return f"unknown field(s) {', '.join(extra)} for family {fam}; expected {', '.join(sorted(allowed))}"
    if fam == "fixed":
        return None
    key, top = _SPREAD[fam]
    v = value.get(key)
    if not (isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and 0 <= v <= top):
        return f"{key}: expected a number between 0 and {top:g}, got {v!r}"
    n = value.get("nodes", 5)
    if not (isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= MAX_NODES):
        return f"nodes: expected a whole number between 1 and {MAX_NODES}, got {n!r}"
    return None


def parse_spec(value) -> Spec:
    """The :class:`Spec` of a value that passed :func:`check_spec`."""
    fam = value["family"]
    if fam == "fixed":
        return Spec("fixed")
    return Spec(fam, float(value[_SPREAD[fam][0]]), int(value.get("nodes", 5)))
