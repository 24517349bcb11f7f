"""Every kind of bad scenario input gives clear lines naming the file and key, all in one pass,
exit code 2 on the command line and no traceback."""
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from sim.common.errors import InputError
from sim.inputs.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "params" / "belu-2023.yaml"


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def problems_of(path, sets=None, params_root=None):
    with pytest.raises(InputError) as exc:
        load_scenario(path, sets, params_root)
    return [str(p) for p in exc.value.problems]


def child(tmp_path, body, name="child.yaml"):
    return write(tmp_path, name, f"extends: {BASE}\n" + textwrap.dedent(body))


def test_misspelled_keys_are_errors_with_a_suggestion(tmp_path):
    p = child(tmp_path, """
        portfolio:
          worker: 100
        programs:
          jhtt: true
        simulaton:
          seed: 1
        """)
    msgs = problems_of(p)
    assert any("portfolio.worker: unknown key (did you mean 'portfolio.workers'?)" in m for m in msgs)
    assert any("programs.jhtt: unknown key (did you mean 'programs.jht'?)" in m for m in msgs)
    assert any("simulaton: unknown key (did you mean 'simulation'?)" in m for m in msgs)
    assert all(m.startswith("child.yaml") or "child.yaml" in m for m in msgs)
    assert len(msgs) == 3  # all in one pass


def test_unknown_parameter_override(tmp_path):
    p = child(tmp_path, """
        assumptions:
          mortality: {loadng: 1.2}
        """)
    (msg,) = problems_of(p)
    assert "assumptions.mortality.loadng: unknown parameter (did you mean 'assumptions.mortality.loading'?)" in msg


def test_duplicate_keys(tmp_path):
    p = child(tmp_path, """
        budget:
          allocation: 1
          allocation: 2
        """)
    (msg,) = problems_of(p)
    assert "child.yaml: budget.allocation: duplicate key (lines 4 and 5)" in msg


def test_wrong_types_negative_amounts_and_probabilities(tmp_path):
    p = child(tmp_path, """
        portfolio: {workers: many}
        programs: {jkk: maybe}
        budget: {allocation: -5, months: 1.5}
        simulation: {seed: -1}
        assumptions:
          accidents: {frequency_base: 1.5, claim_type_mix: {medical_only: 0.5, temporary: 0.35, partial: 0.05, total: 0.005, death: 0.02}}
          mortality: {loading: -1, table: tmi_v}
        """)
    msgs = "\n".join(problems_of(p))
    assert "portfolio.workers: expected a whole number of workers" in msgs
    assert "programs.jkk: expected true or false, got 'maybe'" in msgs
    assert "budget.allocation: expected an amount in rupiah, 0 or more, got a negative amount -5" in msgs
    assert "budget.months: expected a whole number of months" in msgs
    assert "simulation.seed: expected a whole number, 0 or more" in msgs
    assert "assumptions.accidents.frequency_base: expected a probability between 0 and 1, got 1.5" in msgs
    assert "assumptions.accidents.claim_type_mix: probabilities must sum to 1" in msgs
    assert "assumptions.mortality.loading: expected a number, 0 or more, got a negative amount -1" in msgs
    assert "assumptions.mortality.table: expected one of population_2023, tmi_iv_2019; got 'tmi_v'" in msgs
    assert msgs.count("\n") + 1 == 9


def test_income_below_the_bpu_floor(tmp_path):
    p = child(tmp_path, "income: {declared_monthly: 900000}\n")
    (msg,) = problems_of(p)
    assert "income.declared_monthly: declared income Rp 900.000 is below the BPU floor of Rp 1.000.000" in msg


def test_date_with_no_value_in_force(tmp_path):
    p = child(tmp_path, "scenario: {start: 2015-01-01}\n")
    msgs = problems_of(p)
    assert any("policy.contributions.jkk_rate: no value in force on 2015-01-01 (the earliest value takes effect 2015-07-01)"
               in m and m.startswith("params/policy/contributions.yaml") for m in msgs)


def test_dated_override_in_a_scenario_applies_from_its_date(tmp_path):
    p = child(tmp_path, """
        assumptions:
          mortality:
            loading: {values: {2019-01-01: 1.0, 2023-01-01: 1.3}}
        """)
    assert load_scenario(p).param("assumptions.mortality.loading") == 1.3
    q = child(tmp_path, "scenario: {start: 2022-06-01}\n" + p.read_text().split("\n", 1)[1], "c2.yaml")
    assert load_scenario(q).param("assumptions.mortality.loading") == 1.0


def test_missing_files(tmp_path):
    p = write(tmp_path, "a.yaml", "extends: nowhere.yaml\n")
    # the root cause once, at the file that names the missing baseline (no follow-on "missing" keys)
    (msg,) = problems_of(p)
    assert msg.startswith(f"{p}: extends:") and "nowhere.yaml: file not found" in msg
    q = child(tmp_path, "portfolio: {roster: no_such_roster.csv, workers: null}\n")
    (msg,) = problems_of(q)
    assert "portfolio.roster: roster file not found" in msg
    assert problems_of(tmp_path / "absent.yaml") == [f"{tmp_path / 'absent.yaml'}: file not found"]


def test_scenario_extending_itself(tmp_path):
    a = write(tmp_path, "a.yaml", "extends: a.yaml\n")
    assert any("extends: the scenario extends itself" in m for m in problems_of(a))
    write(tmp_path, "b.yaml", "extends: c.yaml\n")
    c = write(tmp_path, "c.yaml", "extends: b.yaml\n")
    msgs = problems_of(c)
    assert any("c.yaml -> " in m and "b.yaml -> " in m and "extends itself" in m for m in msgs)


def test_invalid_yaml_names_the_line(tmp_path):
    p = write(tmp_path, "bad.yaml", "scenario:\n  name: [unclosed\n")
    (msg,) = problems_of(p)
    assert "bad.yaml" in msg and "not valid YAML" in msg


def test_set_overrides_are_validated(tmp_path):
    msgs = problems_of(BASE, ["income.declared_monthy=2000000", "budget.months=twelve", "nonsense"])
    joined = "\n".join(msgs)
    assert "--set: income.declared_monthy: unknown key (did you mean 'income.declared_monthly'?)" in joined
    assert "--set: budget.months: expected a whole number of months" in joined
    assert "--set: nonsense: expected dotted.key=value" in joined


def test_broken_parameter_file_reports_every_problem(tmp_path):
    root = tmp_path / "params"
    shutil.copytree(ROOT / "params" / "policy", root / "policy")
    shutil.copytree(ROOT / "params" / "assumptions", root / "assumptions")
    (root / "policy" / "extra.yaml").write_text(textwrap.dedent("""
        broken:
          label: {id: "x"}
          unit: rupiah
          values: {2020-13-01: 5, 2021-01-01: -3}
          colour: red
        """))
    msgs = problems_of(BASE, params_root=root)
    joined = "\n".join(msgs)
    assert "params/policy/extra.yaml: broken.colour: unknown field" in joined
    assert "broken.label: expected a label with 'id' (Indonesian) and 'en' (English) text" in joined
    assert "broken.source: expected the source" in joined
    assert "broken.assumption: expected true" in joined
    assert "broken.values.2020-13-01: expected an effective date written YYYY-MM-DD" in joined
    assert "broken.values.2021-01-01: expected an amount in rupiah, 0 or more, got a negative amount -3" in joined


def test_valid_scenarios_load(baseline):
    from tests.conftest import WITH_JHT
    jht = load_scenario(WITH_JHT)
    assert jht["programs.jht"] is True and baseline["programs.jht"] is False
    assert jht["portfolio.workers"] == baseline["portfolio.workers"] == 5892
    assert jht.name == "belu-2023-jht"


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True, text=True, cwd=ROOT)


def test_cli_exits_2_with_lines_and_no_traceback(tmp_path):
    p = child(tmp_path, """
        income: {declared_monthly: 500000}
        budget: {alocation: 3}
        """)
    r = run_cli("run", str(p), "--json")
    assert r.returncode == 2
    assert r.stdout == ""
    assert "Traceback" not in r.stderr
    lines = [line for line in r.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 2
    assert any("budget.alocation: unknown key (did you mean 'budget.allocation'?)" in line for line in lines)
    assert any("income.declared_monthly" in line and "below the BPU floor" in line for line in lines)


def test_cli_missing_scenario_file_exits_2():
    r = run_cli("run", "params/no-such-scenario.yaml")
    assert r.returncode == 2 and "file not found" in r.stderr and "Traceback" not in r.stderr
