"""``python -m sim batch MANIFEST.yaml``: many reports in parallel, one index.

Each entry of the manifest (:mod:`sim.inputs.manifest`) becomes one report, made by the public
:func:`sim.outputs.report_runner.run_report` in ``DIR/<name>/``; the figures are read back from
the JSON the report writes, so the batch shows exactly what the report says.

Engines (Dask is the engine; no scheduler of our own):

* default: local worker processes (``concurrent.futures.ProcessPoolExecutor``, ``--jobs``,
  default the number of cores);
* ``--scheduler ADDRESS``: an existing ``dask.distributed`` cluster (from a laptop to SLURM/PBS
  through dask-jobqueue; the workers must see the project folder and ``DIR``);
* ``--scheduler local``: a ``dask.distributed.LocalCluster`` of ``--jobs`` single-threaded workers.

Papermill is not thread-safe (it changes the working directory: papermill issues #473, #511),
so a process runs one report at a time (a process-wide lock guards it even on multi-threaded
Dask workers), and a kernel start that collides on a port ("Address already in use") is retried
once (also when the kernel dies before answering, the same collision seen from outside).  A
failing entry fails alone: the others run, the index names it, the exit code is 1.

Rerunning: an entry whose previous report (in ``DIR/index.json``) succeeded with the same input
file hashes (the report's provenance), the same overrides, report options, package version and
source digest (the package's code and the report notebook, as the report's own "up to date" check),
and whose files are still there, is not run again; its row is carried over and marked so.  An
entry that does run follows the report command's own rules (an identical report is "up to date",
changed inputs get a new name beside the old report); ``--force`` reruns and replaces.
"""
from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

from .. import __version__
from ..common.errors import InputError, Problem
from ..common.paths import PROJECT, relative

_REPORT_LOCK = threading.Lock()
#: a kernel start that collided on a port: ZMQ's "Address already in use", or the kernel dying before
#: it answered (jupyter_client's message when the kernel's own bind failed; papermill issue #511)
PORT_COLLISION = ("Address already in use", "Kernel died before replying to kernel_info")
#: the key figures of each row, as dotted paths into the report JSON
KEY_FIGURES = ("workers", "budget.allocation", "budget.required", "budget.difference", "contributions.total",
               "expected_claims.jkk", "expected_claims.jkm", "expected_claims.total", "loss_ratio.total",
               "claims_quantiles.99.5", "tvar_99_5", "prob_claims_exceed_contributions",
               "expected_deaths", "expected_accidents")


def dotted(obj: dict, path: str):
    """``obj["a"]["b"]`` for ``"a.b"`` (keys may themselves hold a dot, as "99.5"); None if absent."""
    if path in obj:
        return obj[path]
    head, _, rest = path.partition(".")
    if rest and isinstance(obj.get(head), dict):
        return dotted(obj[head], rest)
    return None


def _last_line(exc: BaseException) -> str:
    text = str(exc).strip()
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return f"{type(exc).__name__}: {lines[-1] if lines else ''}"


def run_entry(job: dict) -> dict:
    """Run one report (on a worker process); never raises: returns a status row.

    *job*: ``scenario`` (absolute path), ``sets``, ``out_dir`` (absolute), ``language``,
    ``monte_carlo_years``, ``extra`` (report parameters).
    """
    from .report_runner import run_report
    started = time.time()
    attempts = 0
    while True:
        attempts += 1
        try:
            with _REPORT_LOCK:
                paths = run_report(job["scenario"], job["sets"], job["out_dir"], job["language"],
                                   monte_carlo_years=job.get("monte_carlo_years"), extra=dict(job.get("extra") or {}),
                                   force=bool(job.get("force")), progress=False)
            break
        except InputError as exc:
            return {"status": "failed", "error": "; ".join(str(p) for p in exc.problems), "attempts": attempts,
                    "seconds": round(time.time() - started, 2)}
        except Exception as exc:  # noqa: BLE001 - a failed report is a row, not a crash of the batch
            if attempts == 1 and any(m in str(exc) for m in PORT_COLLISION):
                continue
            return {"status": "failed", "error": _last_line(exc), "attempts": attempts,
                    "seconds": round(time.time() - started, 2)}
    import json
    with open(paths["json"], encoding="utf-8") as fh:
        report = json.load(fh)
    return {"status": "ok", "paths": {k: str(p) for k, p in paths.items()}, "report": report, "attempts": attempts,
            "report_status": getattr(paths, "status", "written"),
            "seconds": round(time.time() - started, 2), "host": os.uname().nodename}


def _fingerprint(entry, options: dict, source: str | None = None) -> dict:
    """What a previous row must share to be reused; the source digest (*source*, read once per batch
    by the caller, else here) makes a code change (same version number, a fix in ``sim/`` or the
    notebook) rerun every entry."""
    if source is None:
        from . import report_files
        source = report_files.source_digest()
    return {"scenario": relative(entry.scenario), "overrides": list(entry.sets), "options": options,
            "version": __version__, "source": source}


def _reusable(prev: dict | None, entry, options: dict, hashes: dict, out_dir: Path,
              fingerprint: dict | None = None) -> bool:
    """True when the previous row of this entry succeeded on the same inputs and its files exist
    (*fingerprint*: the entry's :func:`_fingerprint` when already made)."""
    if not prev or prev.get("status") != "ok" or prev.get("fingerprint") != (fingerprint or _fingerprint(entry, options)):
        return False
    if prev.get("input_sha256") != hashes:
        return False
    return all((out_dir / p).is_file() for p in (prev.get("paths") or {}).values()) and bool(prev.get("paths"))


#: one BLAS thread per worker process (and the kernels it starts), as Dask's nanny sets for its
#: workers: parallel reports do not oversubscribe the cores, and both engines compute alike
SINGLE_THREAD_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _single_threaded() -> None:
    os.environ.update(SINGLE_THREAD_ENV)


class Engine:
    """Where the reports run: local processes, or a Dask cluster (existing, or a LocalCluster)."""

    def __init__(self, jobs: int, scheduler: str | None = None):
        self.jobs, self.scheduler = jobs, scheduler
        self._pool = self._client = self._cluster = None
        self._environ: dict | None = None

    def __enter__(self):
        if self.scheduler is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor
            self._pool = ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_single_threaded)
            return self
        self._environ = dict(os.environ)   # Dask's nanny writes OMP_NUM_THREADS etc. into this process's environment
        from distributed import Client, LocalCluster
        if self.scheduler == "local":
            self._cluster = LocalCluster(n_workers=self.jobs, threads_per_worker=1, processes=True,
                                         dashboard_address=None, silence_logs=40)
            self._client = Client(self._cluster)
        else:
            try:
                self._client = Client(self.scheduler, timeout="15s")
            except (OSError, TimeoutError, ValueError) as exc:
                raise InputError([Problem("--scheduler", self.scheduler,
                                          f"cannot reach a Dask scheduler there ({type(exc).__name__}); expected an "
                                          "address such as tcp://10.0.0.5:8786, or 'local'")]) from None
        return self

    def __exit__(self, *exc):
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        if self._environ is not None:      # give the caller its environment back (later kernels, BLAS threads)
            os.environ.clear()
            os.environ.update(self._environ)

    @property
    def label(self) -> str:
        if self.scheduler is None:
            return f"local processes ({self.jobs})"
        return f"dask LocalCluster ({self.jobs} workers)" if self.scheduler == "local" else f"dask {self.scheduler}"

    def map_unordered(self, fn, items: list):
        """Yield ``(index, result or exception)`` as the calls of *fn* on *items* finish."""
        if self._pool is not None:
            from concurrent.futures import as_completed
            futs = {self._pool.submit(fn, it): i for i, it in enumerate(items)}
            done = as_completed(futs)
        else:
            from distributed import as_completed
            futs = {self._client.submit(fn, it, pure=False): i for i, it in enumerate(items)}
            done = as_completed(list(futs))
        for f in done:
            try:
                yield futs[f], f.result()
            except Exception as exc:  # noqa: BLE001 - a worker that died: that entry failed
                yield futs[f], exc


def run_batch(manifest_path, out_dir=None, jobs: int | None = None, scheduler: str | None = None,
              progress: bool = True, force: bool = False) -> dict:
    """Validate the manifest (InputError, nothing run), run the reports, write the index; return it."""
    from ..inputs.manifest import read_manifest
    from .batch_index import load_index, write_index
    manifest = read_manifest(manifest_path)
    jobs = int(jobs or os.cpu_count() or 1)
    if not 1 <= jobs <= 256:
        raise InputError([Problem("--jobs", str(jobs), "expected a whole number of parallel reports between 1 and 256")])
    out = Path(out_dir) if out_dir else PROJECT / "reports" / manifest.path.stem
    created = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    out = out.resolve()
    options = {"language": manifest.language, "monte_carlo_years": manifest.monte_carlo_years,
               "projection_years": manifest.projection_years}
    extra = {"projection_years": manifest.projection_years} if manifest.projection_years is not None else {}
    previous = {} if force else {r["name"]: r for r in load_index(out).get("entries", [])}
    rows, todo = [], []
    from . import report_files
    source = report_files.source_digest()        # once for the batch: every entry runs the same code
    for e in manifest.entries:
        hashes = e.scen.input_hashes()
        row = {"name": e.name, "scenario": relative(e.scenario), "set": list(e.sets), "programme": e.programme,
               "fingerprint": _fingerprint(e, options, source)}
        if _reusable(previous.get(e.name), e, options, hashes, out, row["fingerprint"]):
            row.update({k: v for k, v in previous[e.name].items() if k not in row})
            row["skipped"] = True
        else:
            todo.append((len(rows), {"scenario": str(e.scenario), "sets": list(e.sets), "out_dir": str(out / e.name),
                                     "language": manifest.language, "monte_carlo_years": manifest.monte_carlo_years,
                                     "extra": extra, "force": force}))
        rows.append(row)
    engine = Engine(min(jobs, max(len(todo), 1)), scheduler)
    started = time.time()
    if progress:
        print(f"{len(rows)} laporan / reports: {len(todo)} dijalankan / to run, {len(rows) - len(todo)} tidak berubah / "
              f"unchanged; {engine.label}", file=sys.stderr)
    if todo:
        try:
            engine.__enter__()
        except InputError:
            if created and not any(out.iterdir()):
                out.rmdir()               # an unreachable scheduler leaves nothing behind
            raise
        try:
            for k, (i, result) in enumerate(engine.map_unordered(run_entry, [j for _, j in todo]), 1):
                row_i = todo[i][0]
                if isinstance(result, BaseException):
                    result = {"status": "failed", "error": _last_line(result)}
                _fill(rows[row_i], result, out)
                if progress:
                    r = rows[row_i]
                    print(f"[{k}/{len(todo)}] {r['name']}: {r['status']}"
                          + (f" ({r.get('seconds')} s)" if r["status"] == "ok" else f" - {r.get('error')}"), file=sys.stderr)
        finally:
            engine.__exit__(None, None, None)
    index = {"manifest": relative(manifest.path), "engine": engine.label, "jobs": engine.jobs, "version": __version__,
             "wall_seconds": round(time.time() - started, 2), "options": options, "entries": rows,
             "failed": [r["name"] for r in rows if r["status"] != "ok"]}
    index["rollups"] = _rollups(manifest, rows)
    write_index(out, index)
    index["out_dir"] = str(out)
    return index


def _fill(row: dict, result: dict, out: Path) -> None:
    row["status"] = result["status"]
    row["seconds"] = result.get("seconds")
    row["attempts"] = result.get("attempts")
    row["skipped"] = False
    row["report_status"] = result.get("report_status")
    if result["status"] != "ok":
        row["error"] = result.get("error")
        row["paths"] = {}
        row["figures"] = {}
        folder = out / row["name"]
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()            # a failed report leaves no file; no empty folder either
        return
    rep = result["report"]
    row["paths"] = {k: os.path.relpath(p, out) for k, p in result["paths"].items()}
    row["figures"] = {k: dotted(rep, k) for k in KEY_FIGURES}
    row["title"] = rep.get("title")
    prov = rep.get("provenance") or {}
    row["input_sha256"] = prov.get("input_sha256")
    row["seed"] = rep.get("seed")
    row["report_scenario"] = rep.get("scenario")


def _rollups(manifest, rows: list[dict]) -> list[dict]:
    """One roll-up per programme named in the manifest, over its parts (all must have succeeded)."""
    from ..analyses.rollup import rollup
    by_prog: dict[str, list] = {}
    for e, r in zip(manifest.entries, rows):
        if e.programme:
            by_prog.setdefault(e.programme, []).append((e, r))
    out = []
    for prog, parts in by_prog.items():
        failed = [r["name"] for _, r in parts if r["status"] != "ok"]
        item = {"programme": prog, "entries": [r["name"] for _, r in parts]}
        if failed:
            item.update({"status": "incomplete", "missing": failed})
        else:
            item.update({"status": "ok", **rollup([e.scen for e, _ in parts])})
            item["reported_expected_claims"] = sum(r["figures"]["expected_claims.total"] or 0.0 for _, r in parts)
        out.append(item)
    return out
