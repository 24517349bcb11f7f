"""The budget planner (``python -m sim plan``) and ``budget.funded_until``, against figures worked by
hand: the BPU schedule (JKK 1% of declared income, at least Rp 10.000; JKM Rp 6.800; JHT 2%),
month counts on the calendar, and the JHT accumulation month by month."""
import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from sim.analyses.model import compute, summarize
from sim.analyses.plan import months_covered, plan_budget
from sim.analyses.projection import run_projection
from sim.cli import main
from sim.common.errors import InputError
from sim.common.months import add_months, cover_end, funded_in_period, funded_months
from sim.inputs.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "params" / "belu-2023.yaml"
N = 5892
ALLOC = 1_175_126_400


def cli(*args):
    return subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True, text=True, cwd=ROOT)


def strict_loads(text):
    def bad(name):
        raise AssertionError(f"non-strict JSON constant {name}")
    return json.loads(text, parse_constant=bad)


def scenario_file(tmp_path, body: str, name="s.yaml"):
    p = tmp_path / name
    p.write_text(f"extends: {BASE.as_posix()}\nscenario:\n  name: test-{name.split('.')[0]}\n" + body, encoding="utf-8")
    return p


# --- the calendar -------------------------------------------------------------------------------

def test_month_arithmetic():
    assert add_months("2023-06-01", 7) == date(2024, 1, 1)
    assert add_months("2023-01-31", 1) == date(2023, 2, 28)       # the month's last day
    assert add_months("2023-01-31", 2) == date(2023, 3, 31)       # counted from the start, not chained
    assert add_months("2024-02-29", 12) == date(2025, 2, 28)
    assert funded_months("2023-06-01", None) is None
    assert funded_months("2023-06-01", "2024-05-31") == 12         # the last day of the 12th month
    assert funded_months("2023-06-01", "2024-05-30") == 11         # May is not paid in full
    assert funded_months("2023-06-01", "2023-12-31") == 7
    assert funded_months("2023-06-01", "2023-06-29") == 0
    assert funded_months("2023-06-01", "2023-06-30") == 1
    assert funded_months("2023-01-31", "2023-02-27") == 1          # 31 Jan - 27 Feb is the first month
    assert cover_end("2023-06-01", 12) == date(2024, 5, 31)
    assert [funded_in_period("2023-06-01", "2024-11-30", f"{2023 + t}-06-01") for t in range(4)] == [12, 6, 0, 0]


# --- the baseline: the figures of the issue -----------------------------------------------------

@pytest.fixture(scope="module")
def baseline_plan():
    r = cli("plan", "params/belu-2023.yaml", "--json")
    assert r.returncode == 0, r.stderr
    return strict_loads(r.stdout)


def test_belu_2023_bundles_by_hand(baseline_plan):
    p = baseline_plan
    assert p["allocation"] == ALLOC and p["months"] == 12 and p["workers"] == N
    b = {x["key"]: x for x in p["bundles"]}
    assert [x["programs"] for x in p["bundles"]] == [["jkk", "jkm"], ["jkk", "jkm", "jht"]]
    base, jht = b["jkk+jkm"], b["jkk+jkm+jht"]
    assert base["monthly_per_worker"] == 10_000 + 6_800
    assert jht["monthly_per_worker"] == 10_000 + 6_800 + 20_000
    assert base["required"] == N * 16_800 * 12 == 1_187_827_200
    assert jht["required"] == N * 36_800 * 12 == 2_601_907_200
    assert base["difference"] == -12_700_800
    # 5.829 x Rp 16.800 x 12 is the allocation exactly (the BPJS count); 2.661 with JHT
    assert base["max_workers"] == 5829 and 5829 * 16_800 * 12 == ALLOC
    assert jht["max_workers"] == 2661 and 2661 * 36_800 * 12 <= ALLOC < 2662 * 36_800 * 12
    assert base["months_covered"] == pytest.approx(ALLOC / (N * 16_800), rel=1e-12)
    assert jht["months_covered"] == pytest.approx(ALLOC / (N * 36_800), rel=1e-12)


def test_belu_2023_fiscal_years_by_hand(baseline_plan):
    fy = baseline_plan["fiscal_years"]
    assert [(y["year"], y["months"], y["workers"]) for y in fy] == [(2023, 7, N), (2024, 12, N)]
    assert fy[0]["required"] == {"jkk+jkm": N * 16_800 * 7, "jkk+jkm+jht": N * 36_800 * 7}
    assert fy[1]["required"] == {"jkk+jkm": N * 16_800 * 12, "jkk+jkm+jht": N * 36_800 * 12}
    assert fy[0]["allocation"] == pytest.approx(ALLOC * 7 / 12)
    assert fy[0]["difference"]["jkk+jkm"] == pytest.approx(ALLOC * 7 / 12 - N * 16_800 * 7)


def test_funding_stop_answer_for_the_baseline(baseline_plan, baseline_run):
    s = baseline_plan["if_funding_stops"]
    assert s["hypothetical"] and s["months"] == 12 and s["cover_ends"] == "2024-05-31"
    assert s["jkm_scholarship_min_months"] == 36 and not s["jkm_scholarship_payable"]
    assert s["jkm_scholarship_from_if_continued"] == "2026-06-01"
    assert s["next_12_months_not_paid"]["jkk+jkm"] == N * 16_800 * 12
    # JHT: Rp 20.000 at each month's end at 6% a year (monthly equivalent), then the return only
    i = 1.06 ** (1 / 12) - 1
    b12 = sum(20_000 * (1 + i) ** (11 - k) for k in range(12))
    j = s["jht"]
    assert j["balance_at_stop"] == pytest.approx(b12, rel=1e-12)
    assert j["balance_stopped"] == pytest.approx(b12 * 1.06 ** 9, rel=1e-10)
    assert j["balance_continued"] == pytest.approx(sum(20_000 * (1 + i) ** (119 - k) for k in range(120)), rel=1e-10)
    # the year after the stop: members are 12-24 months in, past the 3-month wait and short of 36 months,
    # so every JKM death would pay the full Rp 42.000.000 (20 M + 12 M + 10 M funeral), no scholarship
    u = s["uninsured_a_year"]
    assert u["deaths"] == pytest.approx(baseline_run.model.expected_count("jkm"), rel=1e-12)
    assert u["work_accidents"] == pytest.approx(baseline_run.model.expected_count("jkk"), rel=1e-12)
    jkk = baseline_run.model.expected_amount("jkk")
    assert u["expected_claims"] == pytest.approx(jkk + 42_000_000 * u["deaths"], rel=1e-9)


def test_text_output_is_indonesian_first():
    r = cli("plan", "params/belu-2023.yaml")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    for s in ("Perencana anggaran / Budget planner", "Rp 1.175.126.400", "Rp 1.187.827.200", "5.829", "2.661",
              "-Rp 12.700.800", "Rp 692.899.200", "Jika pendanaan berhenti setelah setahun",
              "36 bulan iuran untuk beasiswa JKM tidak pernah terpenuhi"):
        assert s in out, s
    assert not re.search(r"\b(nan|inf|infinity|none)\b", out, re.I)
    assert "Rp\n" not in out and not any(line.rstrip().endswith("Rp") for line in out.splitlines())


def test_indonesian_and_plain_writing_agree(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)

    def run(*args):
        assert main(["plan", "params/belu-2023.yaml", "--json", *args]) == 0
        return strict_loads(capsys.readouterr().out)
    a = run("--allocation", "Rp 1.175.126.400", "--workers", "5.829")
    b = run("--allocation", "1175126400", "--workers", "5829")
    assert a["bundles"] == b["bundles"] and a["workers"] == 5829
    assert a["bundles"][0]["difference"] == 0 and a["bundles"][0]["months_covered"] == 12


# --- input errors: one line each, exit 2, nothing on stdout ---------------------------------------

@pytest.mark.parametrize("args,needle", [
    (["--allocation", "6,000"], "--allocation: '6,000'"),                 # six or six thousand?
    (["--allocation=-5"], "--allocation: '-5'"),                          # negative
    (["--allocation", "banyak"], "--allocation: 'banyak'"),
    (["--workers", "2,5"], "--workers: '2,5'"),
    (["--workers", "0"], "--workers: '0'"),
    (["--months", "481"], "--months: '481'"),
    (["--years", "41"], "--years: '41'"),
    (["--set", "budget.funded_until=2023-13-01"], "budget.funded_until: expected null or a date"),
    (["--set", "budget.funded_until=2023-05-31"], "budget.funded_until: 2023-05-31 ends before the first whole month"),
    (["--set", "budget.funded_until=9999-12-31"], "budget.funded_until: 9999-12-31 is more than 40 years after"),
])
def test_bad_input_exits_2_with_one_line(args, needle, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["plan", "params/belu-2023.yaml", "--json", *args]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 2 and needle in lines[0] and lines[0].startswith("error: ")
    assert lines[1] == "1 problem(s) found; nothing was computed."


def test_every_bad_flag_in_one_pass_and_no_traceback():
    r = cli("plan", "params/belu-2023.yaml", "--allocation", "6,000", "--workers", "-3", "--months", "x",
            "--set", "budget.funded_until=kemarin")
    assert r.returncode == 2 and r.stdout == "" and "Traceback" not in r.stderr
    assert r.stderr.count("error: ") == 4 and "4 problem(s) found" in r.stderr


def test_the_function_bounds_its_inputs(baseline):
    with pytest.raises(InputError) as e:
        plan_budget(baseline, allocation=-1.0, workers=10 ** 12, months=0, years=100)
    assert len(e.value.problems) == 4


# --- dated changes ---------------------------------------------------------------------------------

DATED = """\
income:
  changes: {2024-07-01: 1500000}
budget:
  allocation_changes: {2024-06-01: 1300000000}
policy:
  contributions:
    jkm_monthly: {values: {2015-07-01: 6800, 2024-01-01: 8000}}
"""


def test_dated_contribution_income_and_allocation_changes(tmp_path):
    scen = load_scenario(scenario_file(tmp_path, DATED))
    p = plan_budget(scen, years=3)
    fy = {y["year"]: y for y in p["fiscal_years"]}
    # 2023: Jun-Dec at 10.000 + 6.800; 2024: Jan-Jun at 10.000 + 8.000, Jul-Dec at 15.000 + 8.000; 2025: 15.000 + 8.000
    assert fy[2023]["required"]["jkk+jkm"] == N * 7 * 16_800
    assert fy[2024]["required"]["jkk+jkm"] == N * (6 * 18_000 + 6 * 23_000)
    assert fy[2025]["required"]["jkk+jkm"] == N * 12 * 23_000
    # JHT 2%: Rp 20.000, then Rp 30.000 from July 2024
    assert fy[2024]["required"]["jkk+jkm+jht"] == N * (6 * 38_000 + 6 * 53_000)
    # the allocation: Rp 1.175.126.400 for 12 months until 2024-05-31, then Rp 1,3 billion a year
    assert fy[2023]["allocation"] == pytest.approx(7 * ALLOC / 12)
    assert fy[2024]["allocation"] == pytest.approx(5 * ALLOC / 12 + 7 * 1_300_000_000 / 12)
    assert fy[2025]["allocation"] == pytest.approx(1_300_000_000)
    # the first 12 months (Jun 2023 - May 2024): 7 x 16.800 + 5 x 18.000
    base = p["bundles"][0]
    per_worker = 7 * 16_800 + 5 * 18_000
    assert base["monthly_per_worker"] == 16_800
    assert base["required"] == N * per_worker
    assert base["max_workers"] == ALLOC // per_worker
    # months for everyone, walked month by month by hand
    money, k = ALLOC, 0
    costs = [16_800] * 7 + [18_000] * 6 + [23_000] * 30
    while money >= N * costs[k]:
        money -= N * costs[k]
        k += 1
    assert base["months_covered"] == pytest.approx(k + money / (N * costs[k]), rel=1e-12)


def test_months_covered_walks_and_stops():
    cost = np.array([10.0, 10.0, 20.0, 20.0])
    assert months_covered(25.0, cost, None) == pytest.approx(2.25)
    assert months_covered(100.0, cost, None) == pytest.approx(4 + 40 / 20)      # the last cost continues
    assert months_covered(100.0, cost, 3) == 3.0                                 # no cover after the funded months
    assert months_covered(20.0, cost, None) == 2.0
    assert months_covered(5.0, np.zeros(3), None) is None


# --- budget.funded_until: the planner, the one-year run, the projection ----------------------------

def test_planner_honours_funded_until(tmp_path):
    scen = load_scenario(scenario_file(tmp_path, "budget:\n  funded_until: 2023-12-31\n"))
    p = plan_budget(scen, years=3)
    assert p["funded_months"] == 7 and p["months"] == 7 and p["months_asked"] == 12
    assert p["bundles"][0]["required"] == N * 16_800 * 7
    assert p["bundles"][0]["months_covered"] == 7.0                      # money left, but no cover after it
    assert [(y["year"], y["months"], y["workers"]) for y in p["fiscal_years"]] == [(2023, 7, N), (2024, 0, 0), (2025, 0, 0)]
    assert p["fiscal_years"][1]["required"] == {"jkk+jkm": 0.0, "jkk+jkm+jht": 0.0}
    assert p["fiscal_years"][1]["allocation"] == 0.0
    s = p["if_funding_stops"]
    assert not s["hypothetical"] and s["months"] == 7 and s["cover_ends"] == "2023-12-31"
    assert not s["jkm_scholarship_payable"]
    # funded 4 years: the 36-month condition is met for deaths in the fourth year
    s4 = plan_budget(load_scenario(scenario_file(tmp_path, "budget:\n  funded_until: 2027-05-31\n", "f4.yaml")))
    assert s4["if_funding_stops"]["jkm_scholarship_payable"] and s4["if_funding_stops"]["months"] == 48


def test_one_year_run_honours_funded_until(tmp_path, baseline_run, baseline):
    scen = load_scenario(scenario_file(tmp_path, "budget:\n  funded_until: 2023-12-31\n"))
    c = compute(scen, mc_years=0)
    out = summarize(scen, c, checks=False)
    assert out["funded_until"] == "2023-12-31"
    assert out["contributions"]["total"] == N * 16_800 * 7
    assert out["budget"]["required"] == N * 16_800 * 7 and out["budget"]["months"] == 7
    # deaths over 7/12 of a year: sum n (1 - (1 - q)^(7/12)), q the yearly JKM probability of each cell
    full = baseline_run.model
    pf = baseline_run.portfolio
    q_jkm = np.zeros(pf.count.size)
    for g in full.of("jkm", False):
        q_jkm[g.cells] = g.prob
    want = float(np.dot(pf.count, 1 - (1 - q_jkm) ** (7 / 12)))
    assert out["expected_deaths"] == pytest.approx(want, rel=1e-12)
    assert out["expected_deaths"] < summarize(baseline, baseline_run, checks=False)["expected_deaths"]


def test_roster_cover_ends_at_funded_until(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("village,sex,age,occupation,enrolled_from\nKewar,P,34,Petani/Pekebun,\n"
                      "Kewar,L,40,Pedagang,2023-09-01\n", encoding="utf-8")
    scen = load_scenario(scenario_file(tmp_path, "portfolio:\n  workers: null\n  roster: roster.csv\n"
                                                 "budget:\n  funded_until: 2023-12-31\n"))
    pf = compute(scen, mc_years=0).portfolio
    days = {34: (date(2024, 1, 1) - date(2023, 6, 1)).days, 40: (date(2024, 1, 1) - date(2023, 9, 1)).days}
    for a, e in zip(pf.age, pf.exposure):
        assert e == pytest.approx(days[int(a)] / 366)
    # the planner pays for the list: 2 workers x 7 months
    assert plan_budget(scen)["bundles"][0]["required"] == 2 * 16_800 * 7


def test_projection_honours_funded_until(tmp_path):
    body = "programs: {jht: true}\nbudget:\n  funded_until: 2024-11-30\n"
    scen = load_scenario(scenario_file(tmp_path, body))
    p = run_projection(scen, years=6, paths=0)
    rows = p["rows"]
    assert [r["funded_months"] for r in rows] == [12, 6, 0, 0, 0, 0]
    assert rows[1]["budget"]["required"] == pytest.approx(rows[1]["workers"] * 36_800 * 6)
    for r in rows[2:]:
        assert r["budget"]["required"] == 0 and r["contributions"]["total"] == 0
        assert r["expected_claims"]["total"] == 0 and r["claims_quantiles"]["99.5"] == 0
    assert p["first_jkm_scholarship_year"] is None          # 18 months paid, never 36
    # JHT balance at 56 of a member joining at 20: 12 + 6 months of Rp 20.000, then the 6% return only
    i = 1.06 ** (1 / 12) - 1
    b = sum(20_000 * (1 + i) ** (11 - k) for k in range(12)) * 1.06
    b += sum(20_000 * (1 + i) ** (5 - k) for k in range(6)) * (1 + i) ** 6
    assert p["jht_at_retirement"]["20"]["deterministic"] == pytest.approx(b * 1.06 ** 34, rel=1e-10)
    # after funding stops the fund only earns the return and pays out leavers: it never grows by more than 6%
    fund = [r["jht"]["fund"] for r in rows]
    assert all(fund[t + 1] <= fund[t] * 1.06 + 1e-6 for t in range(2, 5))
    # without funded_until the JKM scholarship starts in year 4
    assert run_projection(load_scenario(BASE, ["programs.jht=true"]), years=4, paths=0)["first_jkm_scholarship_year"] == 4
