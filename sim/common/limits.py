"""Bounds on every size a user controls, checked before any work starts.

A number typed by mistake (``--paths 1000000000``, ``1e20`` claims in an experience file) must
give one clear line and exit 2, not a MemoryError after a minute or the OOM killer.  Each bound
is far above any real use for a regency, a province or the whole country, and the messages
say the bound and the memory the request would have needed.

=================================  ==================  ==========================================
size                               bound               why / memory
=================================  ==================  ==========================================
``portfolio.workers``              100.000.000         above Indonesia's informal workforce; the
                                                       exact method costs the same at any size
rupiah amounts (income, budget,    Rp 10^15            about a third of the national budget;
parameters, experience amounts)                        keeps every product of amounts finite
``scenario.start`` and dates       years 2000-2100     projections run 40 years past the start
``simulation.monte_carlo_years``   10.000.000          32 bytes a year: 320 MB at the bound
``monte_carlo_years`` of a batch    1.000.000           per report; a batch runs up to 1.000 reports
projection years (``--years``,     1 to 40             a working life; budget months up to 480
``projection.years``, the budget
months of a plan: 480)
Monte Carlo claims drawn in a run  500.000.000         about 20 s a core; above it the
                                                       cross-check is skipped with a note (or
                                                       refused when set on the command line)
``projection.paths``, ``--paths``  1 to 100.000        about 5 KB a path over 40 years: 500 MB
``simulation.lattice_unit``        1 to Rp 10^9        the lattice is coarsened to 2^18 points
roster file                        1.000.000 rows,     :mod:`sim.inputs.roster_files` (measured: about
                                   200 MB              0,5 GB while reading a million rows)
experience file                    100.000 rows, 20 MB
claims in one experience row       10^8
exposure in one experience row     1,2 x 10^10 months  (the workforce bound for ten years)
scenario / parameter YAML file     1 MB, 32 levels,    see :mod:`sim.common.yamlio`
                                   100.000 values
problem lines printed              50                  "... and N more" (all are counted)
=================================  ==================  ==========================================
"""
from __future__ import annotations

from .formatting import number

MAX_WORKERS = 100_000_000
MAX_RUPIAH = 10 ** 15
MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_MC_YEARS = 10_000_000
MAX_BATCH_MC_YEARS = 1_000_000
MAX_PROJECTION_YEARS = 40
MAX_BUDGET_MONTHS = 12 * MAX_PROJECTION_YEARS
MC_BYTES_PER_YEAR = 32
MAX_MC_CLAIMS = 500_000_000
MAX_PATHS = 100_000
PATH_BYTES_PER_YEAR = 120         # measured: about 120 bytes a path-year at the peak of a JHT projection
MAX_LATTICE_UNIT = 10 ** 9
MAX_EXPERIENCE_ROWS = 100_000
MAX_EXPERIENCE_BYTES = 20_000_000
MAX_CLAIM_COUNT = 10 ** 8
MAX_EXPOSURE_MONTHS = 12 * MAX_WORKERS * 10
MAX_PROBLEM_LINES = 50


def grouped(n: float) -> str:
    """A whole number with Indonesian thousands dots: 10.000.000 (:func:`formatting.number`)."""
    return number(int(n))


def memory(nbytes: float) -> str:
    """Bytes as MB, GB or TB, written the Indonesian way (1,5 GB)."""
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if nbytes >= size:
            return f"{nbytes / size:.1f} {unit}".replace(".", ",")
    return f"{max(nbytes, 0) / 1e6:.1f} MB".replace(".", ",")


def above(value, bound, nbytes: float | None = None) -> str:
    """The bilingual message for *value* above *bound*, with the memory it would need."""
    v = float(value)
    shown = grouped(value) if abs(v) < 1e18 and v.is_integer() else f"{v:g}"
    need_id = f"; perlu sekitar {memory(nbytes)} memori" if nbytes else ""
    need_en = f"; it would need about {memory(nbytes)} of memory" if nbytes else ""
    return (f"{shown} melebihi batas {grouped(bound)}{need_id} / "
            f"{shown} is above the bound of {grouped(bound)}{need_en}")
