"""Fixed-amount claims (sim.risk.atom_cf) against the computation they replace: the direct sums
against the rfft of the wrapped lattice, the transform on the coarser lattice against the whole
rfft, and the distributions of the exact engine against the same engine on the full grid (period
forced to M), brute-force convolution and the closed-form moments, with windows that start past 0."""
import math

import numpy as np
import pytest

from sim.risk import aggregate, atom_cf, band
from sim.risk.claims import ClaimModel, RiskGroup
from sim.risk.severity import Component, Medical, Severity

H = 100_000.0


def fixed(*amounts_probs, weights=None):
    comps = [Component(w, tuple(a), tuple(p)) for w, (a, p) in zip(weights or [1.0] * len(amounts_probs), amounts_probs)]
    return Severity(tuple(comps))


SEVERITIES = [
    fixed(((10e6,), (1.0,)), ((42e6,), (1.0,)), weights=[0.25, 0.75]),               # Belu's JKM: indices 100, 420
    fixed(((10e6, 42e6, 62.65e6), (0.4, 0.25, 0.35)),),                               # 626.5: split by "mean"
    fixed(((1.23e6, 7.77e6, 3e5, 0.0), (0.5, 0.3, 0.15, 0.05)),),
    Severity((Component(0.7, (2e6,), (1.0,)), Component(0.3, (0.0,), (1.0,), Medical(-np.inf, 1.0, 1e6)))),
    fixed(((730e6, 1.9e9), (0.5, 0.5)),),                                             # beyond every grid below: wraps
]


@pytest.mark.parametrize("method", ["mean", "lower", "upper"])
@pytest.mark.parametrize("M", [48_000, 6000, 1500, 1215, 97, 2])
def test_direct_sums_are_the_rfft_of_the_wrapped_lattice(method, M, monkeypatch):
    for sev in SEVERITIES:
        want = np.fft.rfft(band.wrap(sev.lattice(H, method), M), M)
        for share in (1e9, 0.0):             # direct sums forced, rfft of the coarse lattice forced
            monkeypatch.setattr(atom_cf, "DIRECT_SHARE", share)
            got = atom_cf.transform(sev, H, method, M)
            assert got.shape == want.shape
            assert np.abs(got - want).max() < 1e-15, (sev, share)


@pytest.mark.skipif(np.finfo(np.longdouble).eps >= np.finfo(float).eps, reason="no extended precision here")
@pytest.mark.parametrize("M", [48_000, 1215])
def test_direct_sums_against_extended_precision(M, monkeypatch):
    """The angles and sums in 80-bit arithmetic, rounded at the end: the direct sums are within 6e-16."""
    monkeypatch.setattr(atom_cf, "DIRECT_SHARE", 1e9)
    pi = np.longdouble("3.14159265358979323846264338327950288")
    k = np.arange(M // 2 + 1)
    for sev in SEVERITIES:
        a, q = atom_cf.atoms(sev, H, "mean")
        ang = -(np.multiply.outer(k, a % M) % M).astype(np.longdouble) * (2 * pi / M)
        want = (np.cos(ang) @ q.astype(np.longdouble)).astype(float) + 1j * (np.sin(ang) @ q.astype(np.longdouble)).astype(float)
        assert np.abs(atom_cf.transform(sev, H, "mean", M) - want).max() < 6e-16


def test_the_severity_transform_chooses_by_cost():
    belu = SEVERITIES[0]
    assert atom_cf.direct_pays(2, 48_000) and not atom_cf.direct_pays(6, 48_000)
    band.severity_cf.cache_clear()
    got = band.severity_cf(belu, H, "mean", 48_000)
    want = np.fft.rfft(band.wrap(belu.lattice(H), 48_000), 48_000)
    assert np.abs(got - want).max() < 1e-15
    assert not got.flags.writeable
    # with a medical part: the rfft of the lattice, as before, bit for bit
    med = Severity((Component(1.0, (3e5,), (1.0,), Medical.calibrated(6e6, 1.2, 2e8)),))
    assert np.array_equal(band.severity_cf(med, H, "mean", 6000), np.fft.rfft(band.wrap(med.lattice(H), 6000), 6000))
    assert atom_cf.atoms(med, H, "mean") is None


def group(prog, sev, n, p):
    return RiskGroup(prog, np.asarray(n, dtype=float), np.asarray(p, dtype=float), sev, np.arange(len(n)))


def test_period_is_M_over_the_common_divisor():
    belu = SEVERITIES[0]
    assert atom_cf.period([group("jkm", belu, [10], [0.01])], H, "mean", 48_000) == 2400      # gcd(100, 420, M) = 20
    assert atom_cf.period([group("jkm", SEVERITIES[1], [10], [0.01])], H, "mean", 48_000) == 48_000   # 626, 627
    two = [group("jkm", belu, [10], [0.01]), group("jkm", fixed(((3e6,), (1.0,)),), [5], [0.02])]
    assert atom_cf.period(two, H, "mean", 48_000) == 48_000 // 10                          # gcd(20, 30) = 10
    # a group that cannot claim does not count; none at all: period 1 (the transform is 1)
    assert atom_cf.period([two[0], group("jkm", SEVERITIES[1], [10], [0.0])], H, "mean", 48_000) == 2400
    assert atom_cf.period([], H, "mean", 48_000) == 1
    med = Severity((Component(1.0, (3e5,), (1.0,), Medical.calibrated(6e6, 1.2, 2e8)),))
    assert atom_cf.period([two[0], group("jkk", med, [10], [0.01])], H, "mean", 48_000) == 48_000


def test_period_1215_is_right():
    # 100 = 4 * 25 and 420 = 4 * 3 * 5 * 7 share 20 with each other, and 5 with 1215 = 3^5 * 5
    assert atom_cf.period([group("jkm", SEVERITIES[0], [10], [0.01])], H, "mean", 1215) == 243


@pytest.mark.parametrize("M", [48_000, 4800, 1215])
def test_coarse_transform_repeats_the_whole_rfft(M, monkeypatch):
    sev = fixed(((10e6, 42e6, 2e6), (0.3, 0.5, 0.2)), ((6e6,), (1.0,)), weights=[0.9, 0.1])
    P = atom_cf.period([group("jkm", sev, [1], [0.1])], H, "mean", M)
    assert P < M
    whole = np.fft.rfft(band.wrap(sev.lattice(H), M), M)
    for share in (1e9, 0.0):
        monkeypatch.setattr(atom_cf, "DIRECT_SHARE", share)
        half = atom_cf.transform(sev, H, "mean", M, M // P)
        assert half.size == P // 2 + 1
        assert np.abs(atom_cf.repeat(half, P, M) - whole).max() < 1e-15


@pytest.mark.parametrize("P,Q", [(1, 8), (2, 10), (5, 15), (6, 24), (7, 7), (8, 48)])
def test_full_period_and_repeat(P, Q):
    x = np.random.default_rng(P).uniform(size=P)
    half = np.fft.rfft(x)
    assert np.allclose(atom_cf.full_period(half, P), np.fft.fft(x), rtol=0, atol=1e-14)
    y = np.zeros(Q)
    y[:: Q // P] = x                        # the same amounts on a lattice Q / P times finer
    want = np.fft.rfft(y)
    assert np.allclose(atom_cf.repeat(half, P, Q), want, rtol=0, atol=1e-14)
    for op, start in ((np.multiply, np.full(Q // 2 + 1, 2.0 + 1j)), (np.add, np.zeros(Q // 2 + 1, complex))):
        got = atom_cf.repeat_into(start.copy(), half, P, op)
        assert np.allclose(got, op(start, want), rtol=0, atol=1e-14)


def model_of(jkk, jkm):
    return ClaimModel(jkk + jkm, {"jkk": True, "jkm": True, "jht": False})


def full_grid(monkeypatch):
    """The engine with every program on the whole grid (no coarser lattice): the computation replaced."""
    monkeypatch.setattr(atom_cf, "period", lambda groups, h, method, M: M)


MED = Severity((Component(0.8, (3e5,), (1.0,), Medical.calibrated(6e6, 1.2, 2e8)),
                Component(0.2, (8e5, 4.3e6), (0.6, 0.4), Medical.calibrated(2e7, 1.2, 2e8))))
MODELS = {
    # Belu's shape: JKK with medical costs, JKM two fixed amounts (windows start at 0)
    "belu": lambda: model_of([group("jkk", MED, [700, 30], [0.02, 0.05])],
                             [group("jkm", SEVERITIES[0], [700, 30], [0.026, 0.03])]),
    # many claims: the windows start past 0, at an offset no multiple of the coarse step
    "large": lambda: model_of([group("jkk", MED, [90_000], [0.004])],
                              [group("jkm", SEVERITIES[0], [120_000, 3], [0.0041, 0.3]),
                               group("jkm", fixed(((3e6,), (1.0,)),), [50_000], [0.002])]),
    # both programs fixed amounts with different periods; then JKK switched off
    "both": lambda: model_of([group("jkk", fixed(((6e6, 1.2e7), (0.5, 0.5)),), [400], [0.05])],
                             [group("jkm", SEVERITIES[0], [700], [0.026])]),
    # JKK switched off (a group that cannot claim); JKM alone, not band-limited, its window past 0
    "jkm only": lambda: model_of([group("jkk", MED, [400], [0.0])], [group("jkm", SEVERITIES[0], [120_000], [0.0042])]),
}


@pytest.mark.parametrize("name", list(MODELS))
@pytest.mark.parametrize("method", ["mean", "upper"])
def test_exact_equals_the_full_grid(name, method, monkeypatch):
    model = MODELS[name]()
    M = aggregate.grid_size(model.of("jkk") + model.of("jkm"), aggregate.lattice_unit(model, H))
    periods = {p: atom_cf.period(model.of(p), H, method, M) for p in ("jkk", "jkm")}
    assert periods["jkm"] < M                       # the coarser lattice is used
    fast = aggregate.exact(model, H, method)
    fast_total = aggregate.exact(model, H, method, parts=("total",))["total"]
    full_grid(monkeypatch)
    full = aggregate.exact(model, H, method)
    for part in ("jkk", "jkm", "total"):
        a, b = fast[part], full[part]
        assert a.offset == b.offset and a.pmf.size == b.pmf.size and a.h == b.h
        P = math.lcm(periods["jkk"], periods["jkm"]) if part == "total" else periods[part]
        on = (a.offset + np.arange(a.pmf.size)) % (M // P) == 0
        assert not a.pmf[~on].any()                  # exactly 0 off the coarse lattice
        noise = b.pmf[~on].sum()                     # the full FFT's round-off put on impossible amounts
        assert noise < 1e-12
        # rounding only: of the FFTs (about 1e-16 of the largest probability) and of the direct sums
        assert np.abs(a.pmf - b.pmf).max() < 1e-15 + 2e-14 * b.pmf.max(), part
        assert np.abs(np.cumsum(a.pmf) - np.cumsum(b.pmf)).max() < 1e-14 + 2 * noise, part
    assert np.abs(fast_total.pmf - fast["total"].pmf).max() < 1e-15 + 2e-14 * fast_total.pmf.max()
    if name in ("large", "jkm only"):
        assert fast["jkm"].offset % (M // periods["jkm"]) != 0 and fast["total"].offset > 0
    for part, prog in (("jkm", "jkm"), ("jkk", "jkk")):
        mean = model.expected_amount(prog)
        if mean > 0 and method == "mean":
            assert fast[part].mean() == pytest.approx(mean, rel=1e-12)


def test_fixed_amounts_equal_brute_force_convolution():
    """Every worker's own distribution convolved: 60 workers, amounts Rp 2, 4 and 10 million (step 2)."""
    sev = fixed(((2e6, 4e6), (0.5, 0.5)), ((1e7,), (1.0,)), weights=[0.7, 0.3])
    model = model_of([], [group("jkm", sev, [40, 20], [0.02, 0.1])])
    h = 1e6
    d = aggregate.exact(model, h, M=1000)
    assert atom_cf.period(model.of("jkm"), h, "mean", 1000) == 500
    one = sev.lattice(h)
    total = np.array([1.0])
    for n, p in ((40, 0.02), (20, 0.1)):
        w = p * one
        w[0] += 1 - p
        for _ in range(n):
            total = np.convolve(total, w)
    for part in ("jkm", "total"):
        got = np.zeros(1000)
        got[d[part].offset:] = d[part].pmf[: 1000 - d[part].offset]
        assert np.abs(got[: total.size] - total[:1000]).max() < 1e-15
    assert d["jkk"].pmf.tolist() == [1.0]
