from pathlib import Path

import pytest

from sim.inputs.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "params" / "belu-2023.yaml"
WITH_JHT = ROOT / "params" / "belu-2023-jht.yaml"


@pytest.fixture(scope="session")
def baseline():
    return load_scenario(BASELINE)


@pytest.fixture(scope="session")
def baseline_run(baseline):
    from sim.analyses.model import compute
    return compute(baseline, mc_years=0)
