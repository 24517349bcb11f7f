# The README's two commands: `make run` (main job) and `make test` (every test).
# Both build the virtual environment .venv first when it is missing or when
# pyproject.toml changed, so they work on a fresh machine with only python3.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
SCENARIO ?= params/belu-2023.yaml

.PHONY: run summary test browser bench bench-engine clean-venv dashboard batch

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check uv 2>/dev/null \
	  && $(VENV)/bin/uv pip install --quiet --compile-bytecode --python $(PY) -e '.[test,notebooks]' \
	  || $(PY) -m pip install --quiet --disable-pip-version-check -e '.[test,notebooks]'
	@# bytecode written once here: with PYTHONDONTWRITEBYTECODE set, every start would compile
	@# matplotlib, papermill... from source again (report 8 s -> 4 s, `sim run` 0.45 s -> 0.35 s)
	@$(PY) -m compileall -q -j 0 sim >/dev/null
	@touch $(STAMP)

# main job: the report (HTML, PDF, XLSX, JSON, executed notebook) for the scenario under reports/;
# an identical rerun is "up to date"; a report from other inputs is never replaced unless FORCE=1
run: $(STAMP)
	$(PY) -m sim report $(SCENARIO) -o reports $(if $(FORCE),--force)

# every report of a budget cycle (params/ntt/batch-2026.yaml) in parallel, with an index and a
# workbook under reports/batch-2026/; unchanged entries are not rerun (JOBS=n, MANIFEST=...)
MANIFEST ?= params/ntt/batch-2026.yaml
batch: $(STAMP)
	$(PY) -m sim batch $(MANIFEST) $(if $(JOBS),--jobs $(JOBS))

summary: $(STAMP)
	$(PY) -m sim run $(SCENARIO)

# headless Chromium for the dashboard test (Debian package; never `playwright install`)
browser:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing Debian chromium for the browser test ..."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1) \
	  || echo "NOTE: chromium could not be installed; the browser test will be skipped."; \
	else echo "NOTE: no chromium and no root apt-get here; the browser test will be skipped."; fi

test: $(STAMP) browser
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) bench/bench_speed.py

bench-engine: $(STAMP)
	$(PY) bench/bench_aggregate.py

clean-venv:
	rm -rf $(VENV)

# the dashboard in the browser (Voila on 127.0.0.1; Ctrl-C stops it): make dashboard [PORT=8866]
dashboard: $(STAMP)
	$(PY) -m sim dashboard $(if $(PORT),--port $(PORT))
