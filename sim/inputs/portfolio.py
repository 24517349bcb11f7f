"""The insured portfolio as cells (age x sex x occupation x income x exposure x membership).

Every model in :mod:`sim` works on cells, never on single workers, so a national
portfolio of 10 million workers costs the same as Belu's 5,892.  A portfolio
comes either from a synthetic roster calibrated to Belu (:func:`synthetic`,
deterministic from the seed) or from a roster file (:mod:`sim.inputs.roster`).
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field

import numpy as np

from ..common.paths import PARAMS_DIR

OCCUPATIONS = ("farming", "livestock", "fishing", "construction", "day_labour",
               "trade", "transport", "craft", "other")
OCCUPATION_LABELS = {
    "farming": ("Pertanian/perkebunan", "Farming"),
    "livestock": ("Peternakan", "Livestock"),
    "fishing": ("Perikanan/nelayan", "Fishing"),
    "construction": ("Konstruksi/tukang", "Construction"),
    "day_labour": ("Buruh harian lepas", "Day labour"),
    "trade": ("Perdagangan", "Trade"),
    "transport": ("Ojek/transportasi", "Ojek transport"),
    "craft": ("Kerajinan/bengkel", "Craft and workshop"),
    "other": ("Lainnya", "Other"),
}
AGE_MIN, AGE_MAX = 15, 80


@dataclass
class Portfolio:
    """Cells of identical workers; all arrays have one entry per cell.

    count       workers in the cell
    age         age last birthday at the start of the year (years)
    male        True for men
    occupation  index into :data:`OCCUPATIONS`
    income      declared income (rupiah a month)
    exposure    fraction of the year the cell is covered (0-1)
    membership  months of membership when its cover in the year begins
    cell_villages  for a roster: ``(cell, village, count)`` triplets, how many workers of each cell
                live in each village (an index into ``village_names``); None for a synthetic
                roster, whose villages are drawn independently of the cells
    """

    count: np.ndarray
    age: np.ndarray
    male: np.ndarray
    occupation: np.ndarray
    income: np.ndarray
    exposure: np.ndarray
    membership: np.ndarray
    village_names: list[str] = field(default_factory=list)
    village_counts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    source: str = "synthetic"
    cell_villages: tuple | None = None
    village_list: str | None = "belu"

    @property
    def workers(self) -> int:
        return int(self.count.sum())

    @property
    def villages(self) -> int:
        return int((self.village_counts > 0).sum())

    def by_kecamatan(self) -> dict[str, int]:
        """Workers by kecamatan (district), from the villages' kecamatan in the reference list."""
        if self.village_list is None:
            return {}
        kec = {name: k for _, name, k in load_villages(None, self.village_list)}
        out: dict[str, int] = {}
        for name, n in zip(self.village_names, self.village_counts):
            out[kec.get(name, "?")] = out.get(kec.get(name, "?"), 0) + int(n)
        return dict(sorted(out.items()))

    def scaled(self, factor: int) -> "Portfolio":
        """The same portfolio with every cell count multiplied by a whole *factor*."""
        cv = self.cell_villages
        return Portfolio(self.count * factor, self.age, self.male, self.occupation, self.income,
                         self.exposure, self.membership, self.village_names,
                         self.village_counts * factor, self.source,
                         None if cv is None else (cv[0], cv[1], cv[2] * factor), self.village_list)

    def with_income(self, income: float) -> "Portfolio":
        """The same workers, all declaring *income* rupiah a month."""
        return Portfolio(self.count, self.age, self.male, self.occupation,
                         np.full_like(self.income, float(income)), self.exposure, self.membership,
                         self.village_names, self.village_counts, self.source, self.cell_villages, self.village_list)


def village_lists() -> list[str]:
    """Names of the regencies whose village lists are in ``params/data`` (``<name>_desa_kelurahan.csv``)."""
    return sorted(p.name[: -len("_desa_kelurahan.csv")] for p in (PARAMS_DIR / "data").glob("*_desa_kelurahan.csv"))


def load_villages(kind: str | None = "desa", village_list: str = "belu") -> list[tuple[str, str, str]]:
    """(code, name, kecamatan) of every village of the regency's list of the given kind (desa,
    kelurahan, or None for both); Belu's list is the only one found (FACTS.md section 6)."""
    with open(PARAMS_DIR / "data" / f"{village_list}_desa_kelurahan.csv", encoding="utf-8") as fh:
        return [(r["kode_wilayah"], r["nama"], r["kecamatan"]) for r in csv.DictReader(fh)
                if kind is None or r["jenis"] == kind]


def age_band_weights(bands: dict) -> tuple[np.ndarray, np.ndarray]:
    """Single ages and their probabilities from weights per band ``"a-b"`` (uniform within a band)."""
    ages, probs = [], []
    total = float(sum(bands.values()))
    for band, w in bands.items():
        lo, hi = (int(x) for x in str(band).split("-"))
        n = hi - lo + 1
        for a in range(lo, hi + 1):
            ages.append(a)
            probs.append(w / total / n)
    order = np.argsort(ages)
    return np.asarray(ages)[order], np.asarray(probs)[order]


def synthetic(workers: int, villages: int | None, seed: int, income: float, male_share: float,
              age_bands: dict, occupation_mix: dict, membership_months: float = 0.0,
              exposure: float = 1.0, village_list: str | None = "belu") -> Portfolio:
    """A synthetic roster of *workers* across *villages* desa of the regency's village list, as cells.

    Workers are drawn multinomially over cells age x sex x occupation with the
    independent marginals given (age bands, share of men, occupation weights), and over
    the desa with equal weights (per-desa counts were not found).  Deterministic from
    *seed*; its random stream is separate from the Monte Carlo's.  Without a village list
    (``village_list=None``: none was found for the regency) the portfolio has no villages;
    the age, sex and occupation draw is the same, so the figures do not depend on the list.
    """
    rng = np.random.default_rng([int(seed), 1])
    ages, p_age = age_band_weights(age_bands)
    p_sex = np.array([1.0 - male_share, male_share])
    w_occ = np.array([float(occupation_mix.get(o, 0.0)) for o in OCCUPATIONS])
    p_occ = w_occ / w_occ.sum()
    p = (p_age[:, None, None] * p_sex[None, :, None] * p_occ[None, None, :]).ravel()
    counts = rng.multinomial(workers, p / p.sum())
    a_idx, s_idx, o_idx = np.unravel_index(np.arange(p.size), (ages.size, 2, len(OCCUPATIONS)))
    keep = counts > 0
    names, vcounts = [], np.zeros(0, dtype=np.int64)
    if village_list is not None:
        desa = load_villages("desa", village_list)
        villages = len(desa) if villages is None else villages
        chosen = sorted(rng.choice(len(desa), size=villages, replace=False)) if villages < len(desa) else range(len(desa))
        names = [desa[i][1] for i in chosen]
        vcounts = rng.multinomial(workers, np.full(len(names), 1.0 / len(names)))
    n = int(keep.sum())
    return Portfolio(
        count=counts[keep].astype(np.int64),
        age=ages[a_idx[keep]],
        male=s_idx[keep] == 1,
        occupation=o_idx[keep],
        income=np.full(n, float(income)),
        exposure=np.full(n, float(exposure)),
        membership=np.full(n, float(membership_months)),
        village_names=names,
        village_counts=vcounts.astype(np.int64),
        source="synthetic",
        village_list=village_list,
    )


def expected_cells(workers: float, income: float, male_share: float, age_bands: dict, occupation_mix: dict,
                   membership_months: float = 0.0) -> Portfolio:
    """The expected composition of *workers* new members (fractional counts, no sampling):
    ``workers x P(age) x P(sex) x P(occupation)`` with the synthetic roster's marginals."""
    ages, p_age = age_band_weights(age_bands)
    p_sex = np.array([1.0 - male_share, male_share])
    w_occ = np.array([float(occupation_mix.get(o, 0.0)) for o in OCCUPATIONS])
    p = (p_age[:, None, None] * p_sex[None, :, None] * (w_occ / w_occ.sum())[None, None, :]).ravel()
    a_idx, s_idx, o_idx = np.unravel_index(np.arange(p.size), (ages.size, 2, len(OCCUPATIONS)))
    keep = p > 0
    n = int(keep.sum())
    return Portfolio(workers * p[keep], ages[a_idx[keep]], s_idx[keep] == 1, o_idx[keep], np.full(n, float(income)),
                     np.ones(n), np.full(n, float(membership_months)), source="expected")


def concat(parts: list[Portfolio]) -> Portfolio:
    """Cells of several portfolios side by side (village counts are not kept)."""
    cat = lambda f: np.concatenate([getattr(p, f) for p in parts])  # noqa: E731
    return Portfolio(cat("count"), cat("age"), cat("male"), cat("occupation"), cat("income"), cat("exposure"),
                     cat("membership"), source=parts[0].source if parts else "empty")


def from_workers(age, male, occupation, income, exposure, membership, villages=None, source="roster") -> Portfolio:
    """Group per-worker arrays into cells of identical workers (used for roster files); with
    *villages* (each worker's village name, or ``(names, codes)``: distinct names and each worker's
    index into them, names possibly repeated), also how many workers of each cell live in each
    village (``cell_villages``)."""
    columns = [np.asarray(age).astype(int), np.asarray(male).astype(bool), np.asarray(occupation).astype(int),
               np.asarray(income, float), np.round(np.asarray(exposure, float), 6),
               np.round(np.asarray(membership, float), 3)]
    # cells in lexicographic order of the six keys: factorize each key, combine the codes in mixed
    # radix (order-preserving), renumbering the combination only when it could overflow
    key = np.zeros(columns[0].size, dtype=np.int64)
    radix = 1
    for col in columns:
        size, code = _factorize(col)
        if radix * size >= 2**62:
            _, key = np.unique(key, return_inverse=True)
            key, radix = key.ravel(), int(key.max()) + 1 if key.size else 1
        key = key * size + code
        radix *= max(size, 1)
    _, cell_of = np.unique(key, return_inverse=True)
    cell_of = cell_of.ravel()
    counts = np.bincount(cell_of) if cell_of.size else np.zeros(0, dtype=np.int64)
    first = np.zeros(counts.size, dtype=np.int64)
    first[cell_of[::-1]] = np.arange(cell_of.size)[::-1]
    uniq = {f"f{i}": col[first] for i, col in enumerate(columns)}
    names, vcounts, cv = [], np.zeros(0, dtype=np.int64), None
    if villages is not None:
        if isinstance(villages, tuple):
            distinct, code = np.asarray(villages[0], dtype=object), np.asarray(villages[1], dtype=np.int64)
            used = np.unique(code)
            names, of_used = np.unique(np.asarray([str(x) for x in distinct[used]]), return_inverse=True)
            name_of_code = np.zeros(len(distinct), dtype=np.int64)
            name_of_code[used] = of_used.ravel()
            village_of = name_of_code[code]
            vcounts = np.bincount(village_of, minlength=len(names))
        else:
            names, village_of, vcounts = np.unique(np.asarray(villages), return_inverse=True, return_counts=True)
        names = [str(x) for x in names]
        pair, n = np.unique(cell_of.ravel() * len(names) + village_of.ravel(), return_counts=True)
        cv = (pair // len(names), pair % len(names), n.astype(np.int64)) if len(names) else None
    return Portfolio(counts.astype(np.int64), uniq["f0"].astype(int), uniq["f1"].astype(bool),
                     uniq["f2"].astype(int), uniq["f3"].astype(float), uniq["f4"].astype(float),
                     uniq["f5"].astype(float), names, np.asarray(vcounts, dtype=np.int64), source, cv)


def _factorize(col: np.ndarray) -> tuple[int, np.ndarray]:
    """``(number of distinct values, each element's rank among them)``, as ``np.unique`` gives them;
    small non-negative integers (ages, sexes, occupations) by counting instead of sorting."""
    if col.dtype.kind in "biu" and col.size and col.min() >= 0 and col.max() < 1_000_000:
        seen = np.bincount(col.astype(np.int64)) > 0
        rank = np.cumsum(seen) - 1
        return int(seen.sum()), rank[col.astype(np.int64)]
    values, code = np.unique(col, return_inverse=True)
    return len(values), code.ravel()
