"""Parameter uncertainty (issue 11): the quadrature mixture against independent calculations."""
import numpy as np
import pytest

from sim.inputs.build import build_portfolio
from sim.inputs.scenario import load_scenario
from sim.inputs.uncertainty_spec import Spec, check_spec
from sim.risk import aggregate, claims
from sim.risk import uncertainty as U


@pytest.fixture(scope="module")
def belu():
    scen = load_scenario("params/belu-2023.yaml")
    pf = build_portfolio(scen)
    return scen, pf, claims.build(scen, pf)


def test_gauss_rules_integrate_moments_exactly():
    # gamma factor, shape k = 1/cv^2: E[X] = 1, E[X^2] = 1 + cv^2, E[X^3] = (1 + cv^2)(1 + 2 cv^2)
    for cv, n in ((0.7, 7), (0.25, 7), (0.05, 5)):
        x, w = U.nodes(Spec("gamma", cv, n))
        assert w.sum() == pytest.approx(1.0)
        assert np.dot(w, x) == pytest.approx(1.0, rel=1e-12)
        assert np.dot(w, x ** 2) == pytest.approx(1 + cv * cv, rel=1e-9)
        assert np.dot(w, x ** 3) == pytest.approx((1 + cv * cv) * (1 + 2 * cv * cv), rel=1e-8)
    z, w = U.nodes(Spec("normal", 3.0, 5), shift=True)
    assert np.dot(w, z) == pytest.approx(0.0, abs=1e-12)
    assert np.dot(w, z ** 2) == pytest.approx(9.0)
    assert np.dot(w, z ** 4) == pytest.approx(3 * 81.0)
    # lognormal: E[X^2] = 1 + cv^2 (to quadrature accuracy)
    x, w = U.nodes(Spec("lognormal", 0.3, 9))
    assert np.dot(w, x) == pytest.approx(1.0, rel=1e-12)
    assert np.dot(w, x ** 2) == pytest.approx(1.09, rel=1e-6)


def test_spec_errors_say_what_is_expected():
    assert check_spec({"family": "gamma", "cv": 0.2}) is None
    assert "family" in check_spec({"family": "beta"})
    assert "cv" in check_spec({"family": "gamma", "cv": -1})
    assert "nodes" in check_spec({"family": "normal", "sd": 2, "nodes": 99})
    assert "unknown field" in check_spec({"family": "gamma", "sd": 2})


def test_mean_equals_process_mean_when_factors_have_mean_one(belu):
    scen, pf, model = belu
    sp = U.specs(scen)
    sp["age_shift"] = Spec("fixed")
    mix = U.mixture(scen, pf, model, spec=sp)
    ex = aggregate.exact(model, float(scen["simulation.lattice_unit"]))
    for p in ("jkk", "jkm", "total"):
        assert mix[p].mean() == pytest.approx(ex[p].mean(), rel=1e-7)
        assert mix[p].sd() > ex[p].sd()
    # variance by the law of total variance: E[Var | theta] + Var[E | theta], per programme in closed form
    a_x, a_w = U.nodes(sp["accident_frequency"])
    m_x, m_w = U.nodes(sp["medical_cost"])
    u_x, u_w = U.nodes(sp["scholarship_take_up"])
    a0 = claims.Assumptions.from_scenario(scen)
    mom = []
    for a, wa in zip(a_x, a_w):
        for m, wm in zip(m_x, m_w):
            for u, wu in zip(u_x, u_w):
                gs = U.conditional_model(scen, pf, {"accident_frequency": a, "medical_cost": m,
                                                     "scholarship_take_up": u}, a0).of("jkk")
                mean, sd = aggregate.moments(gs)
                mom.append((wa * wm * wu, mean, sd * sd))
    w, mu, var = (np.array(c) for c in zip(*mom))
    total_var = np.dot(w, var) + np.dot(w, mu ** 2) - np.dot(w, mu) ** 2
    assert mix["jkk"].sd() == pytest.approx(np.sqrt(total_var), rel=1e-5)


def test_age_shift_mean_is_the_average_of_shifted_means(belu):
    scen, pf, model = belu
    sp = {k: Spec("fixed") for k in U.FACTORS}
    sp["age_shift"] = Spec("normal", 3.0, 5)
    mix = U.mixture(scen, pf, model, spec=sp)
    z, w = U.nodes(sp["age_shift"], shift=True)
    means = [U.conditional_model(scen, pf, {"age_shift": s}).expected_amount("jkm") for s in z]
    assert mix["jkm"].mean() == pytest.approx(np.dot(w, means), rel=1e-7)
    assert mix["jkm"].mean() > model.expected_amount("jkm")      # convex in age: a symmetric shift adds


def test_integer_age_shift_equals_table_at_older_age(belu):
    scen, pf, _ = belu
    shifted = U.conditional_model(scen, pf, {"age_shift": 2.0})
    import dataclasses
    older = claims.build(scen, dataclasses.replace(pf, age=pf.age + 2))
    assert shifted.expected_amount("jkm") == pytest.approx(older.expected_amount("jkm"), rel=1e-12)


def test_mixture_against_brute_force_sample_of_parameter_draws(belu):
    """Draw the parameters, convolve each draw exactly (aggregate.exact on the claim model built at the
    draw), average the distributions: the quadrature mixture must agree within the sample's error."""
    scen, pf, model = belu
    sp = U.specs(scen)
    mix = U.mixture(scen, pf, model, spec=sp)["total"]
    rng = np.random.default_rng(11)
    N = 400
    theta = {k: U.sample(sp[k], rng, N, k == "age_shift") for k in U.FACTORS}
    a0 = claims.Assumptions.from_scenario(scen)
    xs = np.linspace(2e8, 3.5e9, 120)
    cdfs = np.empty((N, xs.size))
    means = np.empty(N)
    for i in range(N):
        d = aggregate.exact(U.conditional_model(scen, pf, {k: v[i] for k, v in theta.items()}, a0), 1e5)["total"]
        cdfs[i] = d.cdf(xs)
        means[i] = d.mean()
    brute = cdfs.mean(axis=0)
    se = cdfs.std(axis=0, ddof=1) / np.sqrt(N)
    diff = np.abs(mix.cdf(xs) - brute)
    assert np.all(diff <= 4 * se + 2e-3), (diff.max(), (diff / (se + 1e-12)).max())
    assert mix.mean() == pytest.approx(means.mean(), abs=4 * means.std() / np.sqrt(N))


def test_doubling_the_nodes_barely_moves_the_tail(belu):
    scen, pf, model = belu
    sp = U.specs(scen)
    fine = {k: (Spec(v.family, v.spread, min(2 * v.nodes + 1, 25)) if not v.degenerate else v) for k, v in sp.items()}
    a = U.mixture(scen, pf, model, spec=sp)["total"]
    b = U.mixture(scen, pf, model, spec=fine)["total"]
    xs = np.linspace(0, 4e9, 400)
    assert np.max(np.abs(a.cdf(xs) - b.cdf(xs))) < 5e-3
    assert a.quantile(0.995) == pytest.approx(b.quantile(0.995), rel=0.03)


def test_two_stage_monte_carlo_agrees(belu):
    scen, pf, model = belu
    mix = U.mixture(scen, pf, model)["total"]
    sim = U.simulate(scen, pf, 400, 100, seed=3)
    x = sim.total
    n = x.size
    # draws within a parameter draw are correlated: standard errors from the 400 draw means
    by_draw = x.reshape(400, 100)
    se_mean = by_draw.mean(axis=1).std(ddof=1) / np.sqrt(400)
    assert x.mean() == pytest.approx(mix.mean(), abs=4 * se_mean)
    c = 1187827200.0
    pe = (by_draw > c).mean(axis=1)
    assert (x > c).mean() == pytest.approx(mix.prob_exceed(c), abs=4 * pe.std(ddof=1) / np.sqrt(400) + 1e-3)
    assert n == 40000


def test_roster_has_no_age_doubt(belu):
    scen, _, _ = belu
    assert U.specs(scen, synthetic=False)["age_shift"].degenerate
