"""The council report (``notebooks/report.ipynb``): preparation of everything it shows, the order of
its parts, their display in the notebook, the provenance, and the files written beside it.

Order (issue 12): what the money buys and the options; who bears which cost; what could go wrong
and how likely; the multi-year view; the detail; a glossary; the provenance as an appendix.  The
parts are lists of blocks (:mod:`sim.outputs.report_doc`) built by :mod:`sim.outputs.report_story`
(plain words) and :mod:`sim.outputs.report_detail` (tables and charts); the same blocks become the
HTML, the PDF and the workbook.  Numbers come from :mod:`sim.analyses`; nothing here computes a
model figure of its own.
"""
from __future__ import annotations

import os
import platform
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .. import __version__
from ..common.paths import PROJECT

#: report parameters: name -> (type, default, help); notebooks/report.ipynb declares the same
PARAMETERS = {
    "scenario": (str, "params/belu-2023.yaml", "scenario file (relative to the project folder, or absolute)"),
    "overrides": (list, [], "overrides, each written as for --set (dotted key, equals sign, value)"),
    "language": (str, "id", '"id" (Bahasa Indonesia) or "en" (English)'),
    "monte_carlo_years": (int, 100000, "Monte Carlo years for the cross-check (0: none)"),
    "summary_json": (str, "", 'file for the figures as JSON; the PDF and workbook go beside it ("": none)'),
    "projection_years": (int, 10, "years of the budget projection (1-40; 0: none)"),
    "experience": (str, "", 'claims experience CSV to validate against ("": none)'),
    "title": (str, "", 'report title ("": the scenario title and what the overrides changed)'),
    "fingerprint": (str, "", "SHA-256 of the run's inputs, recorded in the provenance (set by the report command)"),
    "previous": (str, "", 'an earlier report JSON: adds "what changed since the last report" ("": none)'),
}
MONTE_CARLO_YEARS_MAX = 10_000_000


@dataclass
class Context:
    """Everything the report shows, computed once."""
    scen: object
    computed: object
    summary: dict
    lang: str
    params: dict
    title: str
    projection: dict | None = None
    validation: dict | None = None
    tornado: list = field(default_factory=list)
    plan: dict = field(default_factory=dict)
    options: list = field(default_factory=list)
    fiscal_years: list = field(default_factory=list)
    experience_file: str = ""
    fingerprint: str = ""
    made_on: str = field(default_factory=lambda: date.today().isoformat())

    def tr(self, id_text: str, en_text: str) -> str:
        return id_text if self.lang == "id" else en_text


#: what the notebook imports (directly or inside the functions it calls), imported ahead by
#: :func:`warm_up` while the report command is still starting
WARM_UP_MODULES = (
    "numpy", "scipy.special", "matplotlib.pyplot", "IPython.display", "PIL.Image",
    "reportlab.platypus", "reportlab.pdfgen.canvas", "reportlab.lib.styles", "openpyxl", "openpyxl.styles",
    "sim.inputs.scenario", "sim.inputs.build", "sim.analyses.model", "sim.analyses.plan", "sim.analyses.projection",
    "sim.analyses.sensitivity", "sim.analyses.published", "sim.analyses.diff", "sim.outputs.plots",
    "sim.outputs.report_detail", "sim.outputs.report_story", "sim.outputs.changes", "sim.outputs.report_pdf",
    "sim.outputs.report_xlsx", "sim.common.jsonio",
)


def warm_up() -> None:
    """Import what the report notebook will use, before its first cell (the report command runs
    this in the kernel while it is itself still starting: issue 10).  Only imports and the PDF's
    font registration, which every run does the same; a module that fails here is left for the
    notebook to import again, so that its error shows in the cell as before."""
    import importlib
    for name in WARM_UP_MODULES:
        try:
            importlib.import_module(name)
        except Exception:      # noqa: BLE001 (the notebook's own import reports it)
            pass
    try:
        from .report_pdf import _fonts
        _fonts()
    except Exception:          # noqa: BLE001
        pass


def project_path(path: str | os.PathLike) -> Path:
    """*path* as given (absolute, or relative to the project folder)."""
    p = Path(path)
    return p if p.is_absolute() else PROJECT / p


def shown_path(path: str | os.PathLike) -> str:
    """A path as the report shows it: relative to the project, or only the file name outside it."""
    p = Path(path)
    try:
        return Path(os.path.abspath(project_path(p))).relative_to(PROJECT).as_posix()
    except ValueError:
        return p.name


def check_parameters(language: str, monte_carlo_years: int, projection_years: int) -> list:
    """Problems with the report's own numeric and language parameters (all at once)."""
    from ..common.errors import Problem
    out = []
    if language not in ("id", "en"):
        out.append(Problem("report", "language", f'expected "id" or "en", got {language!r}'))
    if isinstance(monte_carlo_years, bool) or not isinstance(monte_carlo_years, int) \
            or not 0 <= monte_carlo_years <= MONTE_CARLO_YEARS_MAX:
        out.append(Problem("report", "monte_carlo_years",
                           f"expected a whole number from 0 to {MONTE_CARLO_YEARS_MAX:,}, got {monte_carlo_years!r}"))
    if isinstance(projection_years, bool) or not isinstance(projection_years, int) or not 0 <= projection_years <= 40:
        out.append(Problem("report", "projection_years", f"expected a whole number from 0 to 40, got {projection_years!r}"))
    return out


def prepare(scenario: str, overrides: list, language: str, monte_carlo_years: int,
            projection_years: int = 10, experience: str = "", title: str = "", fingerprint: str = "") -> Context:
    """Validate and compute everything the report shows (raises InputError on bad input)."""
    from ..analyses import sensitivity
    from ..analyses.model import compute, summarize
    from ..analyses.plan import default_years, plan_budget
    from ..analyses.projection import run_projection
    from ..common.errors import InputError
    from ..inputs.scenario import load_scenario
    problems = check_parameters(language, monte_carlo_years, projection_years)
    if problems:
        raise InputError(problems)
    scen = load_scenario(project_path(scenario), list(overrides))
    exp = None
    if experience:
        from ..inputs.experience import read_experience
        exp = read_experience(project_path(experience), display=shown_path(experience))
    c = compute(scen, mc_years=int(monte_carlo_years))
    s = summarize(scen, c, checks=True)
    params = {"scenario": shown_path(scenario), "overrides": list(overrides), "language": language,
              "monte_carlo_years": int(monte_carlo_years), "projection_years": int(projection_years),
              "experience": shown_path(experience) if experience else ""}
    proj = run_projection(scen, int(projection_years)) if projection_years else None
    ctx = Context(scen, c, s, language, params, title or report_title(scen, list(overrides), language), proj)
    ctx.experience_file = experience
    ctx.fingerprint = fingerprint
    if exp is not None:
        from ..analyses.validation import validate
        ctx.validation = validate(scen, exp)
    ctx.tornado = sensitivity.tornado(scen, portfolio=c.portfolio)
    years = max(int(projection_years), default_years(scen.start, int(scen["budget.months"])), 3)
    ctx.plan = plan_budget(scen, portfolio=c.portfolio, years=min(years, 40))
    ctx.options = ctx.plan["bundles"]
    ctx.fiscal_years = ctx.plan["fiscal_years"]
    return ctx


def report_title(scen, overrides: list[str], lang: str) -> str:
    """The scenario's title, its programme list made true, and what else the overrides changed."""
    from .report_naming import changes_in_words, programmes_text, retitle
    base = (scen["scenario.title"] or {}).get(lang) or scen.name
    titled = retitle(base, programmes_text(scen))
    words = changes_in_words(scen, overrides, lang, programmes=titled == base and not _lists_programmes(base))
    return f"{titled} ({words})" if words else titled


def _lists_programmes(title: str) -> bool:
    from .report_naming import _PROGRAMMES
    return bool(_PROGRAMMES.search(title))


def document(ctx: Context, previous: str = "") -> list:
    """The report's parts in order, each a :class:`~sim.outputs.report_doc.Section`; *previous* (an
    earlier report JSON) adds "what changed since the last report" before the appendix."""
    from . import report_detail as D
    from . import report_story as S
    from .changes import report_section
    return [S.opening(ctx), S.who_pays(ctx), S.risks(ctx), S.multi_year(ctx), D.detail(ctx), S.glossary(ctx),
            report_section(previous and project_path(previous), figures(ctx), ctx.lang), appendix(ctx)]


def show(section) -> None:
    """Display a part in the notebook: Markdown for text and tables, the figures as images."""
    from IPython.display import Image, Markdown, display

    from .report_doc import Figure, markdown
    text: list[str] = []
    for block in section.blocks:
        if isinstance(block, Figure):
            if text:
                display(Markdown("\n\n".join(text)))
                text = []
            display(Image(data=block.png(), width=int(900 * block.width)))
        else:
            text.append(markdown(block))
    if text:
        display(Markdown("\n\n".join(text)))


def provenance(ctx: Context) -> dict:
    """Everything needed to reproduce the run: parameters, seed, versions, SHA-256 of every input
    (the experience file too), paths relative to the project."""
    import numpy as np
    import scipy
    return {
        "parameters": ctx.params,
        "scenario": ctx.summary["scenario"],
        "title": ctx.title,
        "seed": ctx.summary["seed"],
        "version": __version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "input_sha256": provenance_hashes(ctx.scen, ctx.experience_file),
        "fingerprint": ctx.fingerprint,
        "made_on": ctx.made_on,
    }


def provenance_hashes(scen, experience: str = "") -> dict[str, str]:
    """SHA-256 of every input file, the experience file too, by project-relative path."""
    import hashlib
    hashes = scen.input_hashes()
    if experience:
        hashes[shown_path(experience)] = hashlib.sha256(project_path(experience).read_bytes()).hexdigest()
    return hashes


def appendix(ctx: Context):
    from .report_doc import Bullets, Heading, Para, Section, Table
    from .report_story import long_date
    prov = provenance(ctx)
    p = prov["parameters"]
    changes = "; ".join(p["overrides"]) if p["overrides"] else ctx.tr("tidak ada", "none")
    items = [
        f"{ctx.tr('Berkas skenario', 'Scenario file')}: {p['scenario']} ({ctx.tr('nama', 'name')} {prov['scenario']})",
        f"{ctx.tr('Perubahan (--set)', 'Changes (--set)')}: {changes}",
        f"{ctx.tr('Bahasa', 'Language')}: {p['language']}; {ctx.tr('tahun Monte Carlo', 'Monte Carlo years')}: "
        f"{p['monte_carlo_years']:,}".replace(",", ".") + f"; {ctx.tr('tahun proyeksi', 'projection years')}: {p['projection_years']}",
        f"{ctx.tr('Data pengalaman klaim', 'Claims experience')}: {p['experience'] or ctx.tr('tidak ada', 'none')}",
        f"{ctx.tr('Benih acak', 'Random seed')}: {prov['seed']}; {ctx.tr('versi', 'version')} sim {prov['version']}; "
        f"Python {prov['python']}, numpy {prov['numpy']}, scipy {prov['scipy']}",
        f"{ctx.tr('Tanggal laporan', 'Report date')}: {long_date(prov['made_on'], ctx.lang)}",
    ]
    rows = [[name, digest[:16]] for name, digest in prov["input_sha256"].items()]
    return Section("appendix").add(
        Heading(ctx.tr("Lampiran: asal-usul perhitungan", "Appendix: provenance")),
        Para(ctx.tr("Dengan berkas dan parameter yang sama, perhitungan ini menghasilkan angka yang sama persis.",
                    "With the same files and parameters this calculation gives exactly the same figures.")),
        Bullets(items),
        Table([ctx.tr("Berkas masukan (relatif terhadap folder proyek)", "Input file (relative to the project folder)"),
               ctx.tr("SHA-256 (16 karakter pertama)", "SHA-256 (first 16 characters)")], ["text", "text"], rows,
              widths=[3, 1.3]))


def figures(ctx: Context) -> dict:
    """The JSON written beside the report: every key of ``run --json`` plus ``provenance`` and
    ``plan`` (the planner's answer, ``python -m sim plan --json``, over the report's fiscal years)."""
    out = dict(ctx.summary)
    out["plan"] = ctx.plan
    out["provenance"] = provenance(ctx)
    from ..analyses.diff import snapshot
    out["inputs"] = snapshot(ctx.scen)        # what `python -m sim diff` and -p previous compare
    return out


def export(ctx: Context, summary_json: str, parts: list | None = None) -> None:
    """Write the JSON, and the PDF and workbook beside it with the same stem ("" writes nothing)."""
    if not summary_json:
        return
    from ..common.jsonio import write_json
    from .report_pdf import write_pdf
    from .report_xlsx import write_xlsx
    target = Path(summary_json)
    parts = parts or document(ctx)
    write_pdf(parts, target.with_suffix(".pdf"), ctx.title, ctx.lang)
    write_xlsx(parts, target.with_suffix(".xlsx"), ctx)
    write_json(target, figures(ctx))


def key_figures(ctx: Context) -> None:
    """Print the key figures in one stable block (nbval compares it; hidden in the HTML)."""
    from ..common.formatting import number, percent, rupiah
    from ..common.i18n import t
    s, b = ctx.summary, ctx.summary["budget"]
    print(f"{t('required', ctx.lang)}: {rupiah(b['required'])}")
    print(f"{t('difference', ctx.lang)}: {rupiah(b['difference'])}")
    print(f"{t('worker_years', ctx.lang)}: {number(b['funded_worker_years'])}")
    print(f"{t('loss_ratio', ctx.lang)} (JKK + JKM): {percent(s['loss_ratio']['total'])}")
