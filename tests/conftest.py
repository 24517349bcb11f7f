from pathlib import Path

import pytest

from sim.inputs.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "params" / "belu-2023.yaml"
WITH_JHT = ROOT / "params" / "belu-2023-jht.yaml"


@pytest.fixture(autouse=True)
def no_foreign_threads(monkeypatch):
    """Tests run as a command would: the threads this test process has left running (Dask's offload
    executor, the dashboard tests' event loops) do not count as a threaded host's
    (:func:`sim.common.processes.other_threads`; its own test puts the real check back)."""
    from sim.common import processes
    monkeypatch.setattr(processes, "other_threads", lambda: False)


@pytest.fixture(scope="session")
def baseline():
    return load_scenario(BASELINE)


@pytest.fixture(scope="session")
def baseline_run(baseline):
    from sim.analyses.model import compute
    return compute(baseline, mc_years=0)


@pytest.fixture(scope="session")
def council_report(tmp_path_factory):
    """One baseline report run (all five files), shared by the report tests and the browser test."""
    from datetime import date

    from sim.outputs.report_runner import run_report
    out = tmp_path_factory.mktemp("council-report")
    paths = run_report(str(BASELINE), [], out, "id", monte_carlo_years=20_000, progress=False, day=date(2026, 1, 31))
    return out, paths
