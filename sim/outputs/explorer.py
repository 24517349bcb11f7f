"""The interactive explorer: ipywidgets controls over :mod:`sim` (no model logic here).

:class:`ExplorerModel` maps control values to a scenario and its figures (pure Python, tested
and benchmarked without widgets); :class:`Explorer` draws the controls, the tables and the plot,
and recomputes on every change.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from ..analyses import jht
from ..analyses.model import compute, summarize
from ..common.formatting import number, percent, rupiah
from ..common.i18n import both
from ..inputs.portfolio import Portfolio, synthetic
from ..inputs.scenario import load_scenario
from ..inputs.scenario_writer import write_scenario
from ..law import contributions

#: control name -> (dotted setting, or parameter name)
SETTINGS = {
    "jht": "programs.jht",
    "income": "income.declared_monthly",
    "jht_share": "budget.jht_regency_share",
}
PARAMS = {
    "jht_rate": "policy.contributions.jht_rate",
    "loading": "assumptions.mortality.loading",
    "frequency": "assumptions.accidents.frequency_multiplier",
    "jht_return": "assumptions.jht.annual_return",
}


#: the controls the cohort projection depends on (head count, income, decrements, years); the others
#: change only each year's money and JHT figures, recomputed without projecting again
PROJECTION_CONTROLS = ("workers", "share", "income", "loading", "frequency", "years")


@dataclass
class ExplorerResult:
    summary: dict
    exact: dict
    jht_balance: float
    jht_fund: float
    jht_members: float
    values: dict


class ExplorerModel:
    """Control values -> scenario -> figures, reusing the portfolio while the head count stays."""

    def __init__(self, scenario_file: Path | str):
        self.file = Path(scenario_file)
        self.base = load_scenario(self.file)
        self._pf_key = None
        self._pf: Portfolio | None = None
        self._projection = (None, None)      # (PROJECTION_CONTROLS values, (rows, cohort)) of the last projection

    def defaults(self) -> dict:
        b = self.base
        return {
            "jht": bool(b["programs.jht"]),
            "jht_rate": b.param(PARAMS["jht_rate"]),
            "income": float(b["income.declared_monthly"]),
            "share": 1.0,
            "workers": int(b["portfolio.workers"] or 0),
            "loading": b.param(PARAMS["loading"]),
            "frequency": b.param(PARAMS["frequency"]),
            "jht_return": b.param(PARAMS["jht_return"]),
            "years": 10,
            "jht_share": float(b["budget.jht_regency_share"]),
        }

    def income_options(self) -> dict[str, float]:
        opts = {f"{k} ({rupiah(v)})": float(v) for k, v in self.base.param("assumptions.income.options").items()}
        cur = float(self.base["income.declared_monthly"])
        if cur not in opts.values():
            opts[f"scenario ({rupiah(cur)})"] = cur
        return opts

    def scenario_for(self, v: dict):
        covered = max(1, round(v["workers"] * v["share"]))
        values = {SETTINGS[k]: v[k] for k in SETTINGS}
        values["portfolio.workers"] = covered
        values["income.changes"] = {}          # the explorer shows one declared income, the chosen one
        return self.base.updated(values, {PARAMS[k]: v[k] for k in PARAMS})

    def portfolio_for(self, scen) -> Portfolio:
        key = (scen["portfolio.workers"], scen["simulation.seed"], scen["income.declared_monthly"])
        if key != self._pf_key:
            b = self.base
            self._pf = synthetic(int(key[0]), int(b["portfolio.villages"]), int(key[1]), float(key[2]),
                                 b.param("assumptions.portfolio.male_share"), b.param("assumptions.portfolio.age_bands"),
                                 b.param("assumptions.portfolio.occupation_mix"),
                                 float(b["portfolio.prior_membership_months"]))
            self._pf_key = key
        return self._pf

    def compute(self, v: dict) -> ExplorerResult:
        scen = self.scenario_for(v)
        c = compute(scen, portfolio=self.portfolio_for(scen), mc_years=0)
        s = summarize(scen, c, checks=False)
        sched = contributions.Schedule.from_scenario(scen)
        monthly = float(contributions.monthly(v["income"], sched, {"jht": True})["jht"])
        years = int(v["years"])
        bal = float(jht.balance(12 * years, monthly, v["jht_return"])) if v["jht"] else 0.0
        fund = None
        if v["jht"]:   # the same cohort projection as the projection tab and `python -m sim project`
            from ..analyses.projection import jht_projection
            rows, coh = self._project(scen, v)
            fund = jht_projection(scen, rows, coh, 0, int(scen["simulation.seed"]))["by_year"]
        return ExplorerResult(s, c.exact, bal, float(fund["fund"][-1]) if fund else 0.0,
                              float(fund["members"][-1]) if fund else 0.0, dict(v))

    def _project(self, scen, v: dict):
        """The cohort projection over the chosen years, reused while the controls that move the cohort
        and its claims stay (:data:`PROJECTION_CONTROLS`); each year's contributions, budget and
        scenario follow the other controls (JHT, its rate, return and the regency's share)."""
        from ..analyses.projection import project, with_scenario
        key = tuple(v[k] for k in PROJECTION_CONTROLS)
        if self._projection[0] != key:
            self._projection = (key, project(scen, int(v["years"]), portfolio=self.portfolio_for(scen),
                                             distributions=False))
        rows, coh = self._projection[1]
        return with_scenario(rows, scen), coh

    def projection_rows(self, v: dict, paths: int = 400) -> list[dict]:
        """Year-by-year figures over the chosen years of membership (expected values; the JHT fund with
        percentile bands over *paths* return paths)."""
        from ..analyses import projection
        scen = self.scenario_for(v)
        rows, coh = self._project(scen, v)
        j = projection.jht_projection(scen, rows, coh, paths, int(scen["simulation.seed"])) if v["jht"] else None
        return projection.summary_rows(rows, None, j["by_year"] if j else None)

    def save(self, target: Path | str, name: str, v: dict) -> Path:
        """Write the current values as a scenario file extending the explorer's baseline."""
        scen = self.scenario_for(v)
        values = {k: scen[k] for k in list(SETTINGS.values()) + ["portfolio.workers"]}
        title = {"id": f"Disimpan dari penjelajah: {name}", "en": f"Saved from the explorer: {name}"}
        return write_scenario(target, self.file, name, values, {PARAMS[k]: v[k] for k in PARAMS}, title)


def summary_html(r: ExplorerResult) -> str:
    """The explorer's figure tables as HTML (ids let the browser test find the figures)."""
    s = r.summary
    b, c, e, lr = s["budget"], s["contributions"], s["expected_claims"], s["loss_ratio"]
    share = b.get("jht_regency_share", 0.0)
    need = {k: c[k] / 12 * b["months"] for k in ("jkk", "jkm")}
    need["jht"] = c["jht"] / 12 * b["months"] * share
    diff = b["difference"]
    cell = lambda x, i="": f'<td style="text-align:right"{f" id={i!r}" if i else ""}>{html.escape(x)}</td>'  # noqa: E731
    rows = "".join(f"<tr><td>{p.upper()}</td>{cell(rupiah(c[p]))}{cell(rupiah(need[p]))}"
                   f"{cell(rupiah(e.get(p, 0.0)) if p != 'jht' else '-')}{cell(percent(lr.get(p)) if p != 'jht' else '-')}</tr>"
                   for p in ("jkk", "jkm", "jht"))
    rows += (f"<tr><th>{both('total')}</th>{cell(rupiah(c['total']))}{cell(rupiah(b['required']), 'budget-required')}"
             f"{cell(rupiah(e['total']))}{cell(percent(lr['total']))}</tr>")
    status = both("shortfall") if diff < 0 else both("surplus")
    jht_line = ""
    if s["programs"]["jht"]:
        yrs = int(r.values["years"])
        jht_line = (f"<p>{both('jht_balance')} ({yrs} th/yr): <b id='jht-balance'>{rupiah(r.jht_balance)}</b>; "
                    f"{both('jht_fund')}: <b id='jht-fund'>{rupiah(r.jht_fund)}</b> "
                    f"({number(r.jht_members)} {both('workers').lower()})</p>")
    return f"""
<table style="border-collapse:collapse;font-size:90%">
<tr><th>{both('program')}</th><th>{both('contributions')}</th><th>{both('need_by_program')} ({b['months']} bl/mo)</th>
<th>{both('expected_claims')}</th><th>{both('loss_ratio')}</th></tr>
{rows}
</table>
<p>{both('allocation')}: <b>{rupiah(b['allocation'])}</b> &nbsp; {both('difference')}:
<b id="budget-difference">{rupiah(diff)}</b> ({status}) &nbsp; {both('worker_years')}: <b>{number(b['funded_worker_years'])}</b>
&nbsp; {both('months_covered')}: <b>{number(b['months_covered'], 2)}</b></p>
<p>{both('workers')}: <b id="workers">{number(s['workers'])}</b> &nbsp; {both('deaths')}: {number(s['expected_deaths'], 1)}
&nbsp; {both('accidents')}: {number(s['expected_accidents'], 1)} &nbsp; {both('prob_exceed')}:
<b id="prob-exceed">{percent(s['prob_claims_exceed_contributions'], 2)}</b> &nbsp; {both('var')}:
<b>{rupiah(s['var_99_5'])}</b></p>
{jht_line}"""


class Explorer:
    """ipywidgets front end of :class:`ExplorerModel` (imported lazily: widgets and matplotlib)."""

    def __init__(self, scenario_file: Path | str, save_dir: Path | str | None = None):
        import ipywidgets as w
        import matplotlib.pyplot as plt

        self.model = ExplorerModel(scenario_file)
        self.save_dir = Path(save_dir) if save_dir else self.model.file.parent
        d = self.model.defaults()
        style = {"description_width": "260px"}
        lay = w.Layout(width="560px")
        fs = lambda desc, val, lo, hi, step, fmt=".2f": w.FloatSlider(  # noqa: E731
            value=val, min=lo, max=hi, step=step, description=desc, readout_format=fmt, style=style, layout=lay,
            continuous_update=False)
        self.controls = {
            "jht": w.Checkbox(value=d["jht"], description="JHT ikut / JHT on", style=style, layout=lay),
            "jht_rate": fs("Iuran JHT / JHT rate", d["jht_rate"], 0.0, 0.06, 0.005, ".3f"),
            "income": w.Dropdown(options=self.model.income_options(), value=d["income"],
                                 description="Penghasilan / Declared income", style=style, layout=lay),
            "share": fs("Bagian peserta ditanggung / Share covered", 1.0, 0.1, 1.0, 0.05),
            "workers": w.BoundedIntText(value=d["workers"], min=1, max=10_000_000, description="Peserta / Workers",
                                        style=style, layout=lay),
            "loading": fs("Pembebanan mortalita / Mortality loading", d["loading"], 0.25, 3.0, 0.05),
            "frequency": fs("Pengali frekuensi kecelakaan / Accident frequency x", d["frequency"], 0.0, 5.0, 0.1),
            "jht_return": fs("Hasil JHT / JHT return", d["jht_return"], 0.0, 0.12, 0.0025, ".4f"),
            "years": w.IntSlider(value=d["years"], min=1, max=40, description="Tahun kepesertaan / Years",
                                 style=style, layout=lay, continuous_update=False),
            "jht_share": fs("JHT dibayar Pemda / Regency share of JHT", d["jht_share"], 0.0, 1.0, 0.05),
        }
        self.table = w.HTML()
        self.plot = w.Image(format="png", layout=w.Layout(width="675px"))
        self.proj_plot = w.Image(format="png", layout=w.Layout(width="900px"))
        self.tabs = w.Tab(children=[self.plot, self.proj_plot])
        self.tabs.set_title(0, "Klaim / Claims")
        self.tabs.set_title(1, "Proyeksi / Projection")
        self.tabs.observe(lambda *_: self._render_visible(), names="selected_index")
        self._dirty: set[int] = set()
        self.name = w.Text(value="belu-explore", description="Nama / Name", style=style, layout=lay)
        self.save_button = w.Button(description="Simpan skenario / Save scenario", icon="save")
        self.save_status = w.HTML()
        self.save_button.on_click(self._save)
        with plt.ioff():
            self.fig, self.ax = plt.subplots(figsize=(7.5, 3.4), dpi=90)
            self.proj_fig = plt.figure(figsize=(11, 3.6), dpi=75)
        self.fig.subplots_adjust(left=0.12, right=0.98, bottom=0.16, top=0.9)
        for c in self.controls.values():
            c.observe(self.update, names="value")
        self.widget = w.HBox([
            w.VBox(list(self.controls.values()) + [self.name, self.save_button, self.save_status],
                   layout=w.Layout(min_width="580px", flex="0 0 580px")),
            w.VBox([self.table, self.tabs], layout=w.Layout(flex="1 1 auto")),
        ])
        self.update()

    def values(self) -> dict:
        return {k: c.value for k, c in self.controls.items()}

    def update(self, *_):
        """Recompute the figures and redraw the visible chart (the other is redrawn when shown)."""
        self.result = self.model.compute(self.values())
        self.table.value = summary_html(self.result)
        self._dirty = {0, 1}
        self._render_visible()
        return self.result

    def _render_visible(self):
        idx = self.tabs.selected_index or 0
        if idx not in self._dirty:
            return
        self._dirty.discard(idx)
        if idx == 0:
            self._draw_claims(self.result)
        else:
            self._draw_projection()

    def _draw_projection(self):
        from . import plots
        rows = self.model.projection_rows(self.values())
        plots.projection_rows_figure(self.proj_fig, rows, lambda a, b: f"{a} / {b}")
        self.proj_fig.subplots_adjust(left=0.08, right=0.98, bottom=0.16, top=0.88, wspace=0.25)
        self.proj_plot.value = self._png(self.proj_fig)

    def _draw_claims(self, r):
        from ..common.i18n import t
        from . import plots
        s = r.summary
        contrib = s["contributions"]["jkk"] + s["contributions"]["jkm"]
        plots.claims_distribution(self.ax, r.exact["total"], contrib, s["var_99_5"], both("claims_total"),
                                  {"x": f"{t('rupiah_millions')} / {t('rupiah_millions', 'en')}",
                                   "y": both("probability"), "var": "VaR 99,5%", "contributions": "Iuran / Contrib."})
        self.plot.value = self._png(self.fig)

    @staticmethod
    def _png(fig) -> bytes:
        """*fig* as PNG bytes (rendered once here, not again by the notebook's inline backend)."""
        import io
        buf = io.BytesIO()
        fig.savefig(buf, format="png", pil_kwargs={"compress_level": 1})
        return buf.getvalue()

    def _save(self, *_):
        from ..common.errors import InputError
        name = self.name.value.strip()
        try:
            path = self.model.save(self.save_dir / f"{name}.yaml", name, self.values())
        except (InputError, KeyError, OSError) as exc:
            self.save_status.value = f"<span style='color:#c44e52'>{html.escape(str(exc))}</span>"
            return
        self.save_status.value = f"Disimpan / Saved: <code>{html.escape(str(path))}</code>"

    def _ipython_display_(self):
        from IPython.display import display
        display(self.widget)
