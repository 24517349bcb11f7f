"""Write params/experience/illustrative-belu-2023-2025.csv: ILLUSTRATIVE claims experience drawn
from the model with known 'true' rates (JKM x1.0, JKK x1.4), so that the validation tools can be
shown and tested. It is not real data: the project has no Belu claims data.

Each year's rates and claim amounts are that year's as the projection computes them (waiting
period in year 1, ageing, medical inflation), and claims are reported with the assumed reporting
pattern (params/assumptions/reporting.yaml), valued at the end of 2025: the later years miss the
claims not yet reported, as real data would."""
from pathlib import Path

from sim.analyses.validation import simulate_experience
from sim.inputs.experience import write_experience
from sim.inputs.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
scen = load_scenario(ROOT / "params" / "belu-2023.yaml")
rows = simulate_experience(scen, [2023, 2024, 2025], {"jkm": 1.0, "jkk": 1.4}, seed=2025, reporting="lag")
write_experience(rows, ROOT / "params" / "experience" / "illustrative-belu-2023-2025.csv", [
    "ILUSTRASI / ILLUSTRATIVE - not real claims data. The project has no Belu claims experience.",
    "Drawn from the belu-2023 model with known true rates: JKM deaths x1.0, JKK accidents x1.4 (seed 2025),",
    "each year's rates and amounts as the projection computes them (waiting period in 2023, ageing, medical",
    "inflation), claims reported with the assumed lag (reporting.yaml: JKM 70/25/5%, JKK 80/18/2% by development",
    "year), valued at the end of 2025; by tools/make_illustrative_experience.py, to show and test python -m sim validate.",
])
print("written")
