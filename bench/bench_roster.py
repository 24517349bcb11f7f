"""Speed of reading a roster of 10^5 workers (invented), as CSV and as .xlsx, and of `run` on it.

Run: ``.venv/bin/python bench/bench_roster.py [--rows 100000] [--repeats 3]``.
Prints medians: the roster reader on the CSV and on the workbook, column by column (the default)
and cell by cell (``read_roster(..., fast=False)``, the reader before issue 10's column-wise
parsing, kept as the tests' reference), openpyxl's own read-only iteration of the same workbook,
the speed issue's roster (``bench/make_roster.py``: 1,000 enrolment dates, 40 incomes, no names)
read into a portfolio both ways, and the one-year model (`run` without the CLI start-up) on the CSV
roster, against the 1 s target of the speed issue.  The invented files live in a temporary folder
removed at the end; they hold no real data.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import datetime
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from bench.bench_speed import median  # noqa: E402  (median wall and CPU seconds)
from sim.analyses.model import compute, summarize  # noqa: E402
from sim.inputs.portfolio import load_villages  # noqa: E402
from sim.inputs.roster import read_roster  # noqa: E402
from sim.inputs.scenario import load_scenario  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
HEAD = ["No", "NIK", "Nama", "Desa", "Jenis Kelamin", "Tanggal Lahir", "Pekerjaan", "Penghasilan", "Mulai"]


def invented(n: int, seed: int = 1):
    rng = np.random.default_rng(seed)
    desa = [v[1] for v in load_villages(None)]
    occ = ["Petani/Pekebun", "Nelayan", "Buruh Harian Lepas", "Pedagang", "Tukang Ojek", "Peternak"]
    born = rng.integers(datetime(1945, 1, 1).toordinal(), datetime(2007, 1, 1).toordinal(), n)
    for i in range(n):
        yield [i + 1, f"9999{i:012d}", f"Orang Contoh {i}", desa[i % len(desa)], "LP"[i % 2],
               datetime.fromordinal(int(born[i])), occ[i % len(occ)], 1_000_000 + 500_000 * (i % 3),
               None if i % 5 else datetime(2023, 1, 1)]


def write_files(folder: Path, n: int) -> tuple[Path, Path]:
    import openpyxl
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Peserta")
    ws.append(HEAD)
    lines = [";".join(HEAD)]
    for row in invented(n):
        ws.append(row)
        lines.append(";".join("" if v is None else v.strftime("%d/%m/%Y") if isinstance(v, datetime) else str(v)
                              for v in row))
    x, c = folder / "roster.xlsx", folder / "roster.csv"
    wb.save(x)
    c.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return x, c


def openpyxl_only(path):
    import openpyxl
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    ws = wb.worksheets[0]
    ws.reset_dimensions()
    for _ in ws.iter_rows(values_only=True):
        pass
    wb.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} (2 cores shared: figures are noisy)")
    with tempfile.TemporaryDirectory() as d:
        x, c = write_files(Path(d), a.rows)
        scen = load_scenario(ROOT / "params" / "belu-2023.yaml").updated({"portfolio.workers": None})
        floor = scen.param("policy.contributions.income_floor")
        read = lambda p, fast=True: read_roster(p, scen.start, 1_000_000, floor, fast=fast)  # noqa: E731
        assert read(c).workers == a.rows
        t_csv = median(lambda: read(c), a.repeats)
        t_csv_cells = median(lambda: read(c, False), a.repeats)
        t_xlsx = median(lambda: read(x), a.repeats)
        t_xlsx_cells = median(lambda: read(x, False), a.repeats)
        t_raw = median(lambda: openpyxl_only(x), a.repeats)
        from bench.make_roster import write_roster
        m = write_roster(Path(d) / "make_roster.csv", workers=a.rows)
        t_make = median(lambda: read(m), a.repeats)
        t_make_cells = median(lambda: read(m, False), a.repeats)
        pf = read(c)
        t_model = median(lambda: summarize(scen, compute(scen, portfolio=pf, mc_years=0), checks=False), a.repeats)
        print(f"rows: {a.rows:,}                      wall      cpu")
        print(f"read CSV roster                 {t_csv[0]:7.3f} s {t_csv[1]:7.3f} s")
        print(f"  the same, cell by cell        {t_csv_cells[0]:7.3f} s {t_csv_cells[1]:7.3f} s   "
              f"(column by column: {t_csv_cells[1] / t_csv[1]:.1f} x faster, cpu)")
        print(f"read .xlsx roster               {t_xlsx[0]:7.3f} s {t_xlsx[1]:7.3f} s   "
              f"({t_xlsx[1] / t_raw[1]:.2f} x openpyxl's own iteration, cpu)")
        print(f"  the same, cell by cell        {t_xlsx_cells[0]:7.3f} s {t_xlsx_cells[1]:7.3f} s")
        print(f"openpyxl read-only iteration    {t_raw[0]:7.3f} s {t_raw[1]:7.3f} s")
        print(f"read make_roster CSV            {t_make[0]:7.3f} s {t_make[1]:7.3f} s   target <= 0.15 s: "
              f"ratio {t_make[1] / 0.15:.2f}")
        print(f"  the same, cell by cell        {t_make_cells[0]:7.3f} s {t_make_cells[1]:7.3f} s   "
              f"(column by column: {t_make_cells[1] / t_make[1]:.1f} x faster, cpu)")
        print(f"one-year model on the roster    {t_model[0]:7.3f} s {t_model[1]:7.3f} s")
        both = t_csv[1] + t_model[1]
        print(f"CSV read + model (cpu)          {both:7.3f} s   target <= 1 s: ratio {both:.2f}")

if __name__ == "__main__":
    main()
