# The README's two commands: `make run` (main job) and `make test` (every test).
# Both build the virtual environment .venv first when it is missing or when
# pyproject.toml changed, so they work on a fresh machine with only python3.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
SCENARIO ?= params/belu-2023.yaml

.PHONY: run test bench clean-venv

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check uv 2>/dev/null \
	  && $(VENV)/bin/uv pip install --quiet --python $(PY) -e '.[test,notebooks]' \
	  || $(PY) -m pip install --quiet --disable-pip-version-check -e '.[test,notebooks]'
	@touch $(STAMP)

run: $(STAMP)
	$(PY) -m sim run $(SCENARIO)

test: $(STAMP)
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) bench/bench_aggregate.py

clean-venv:
	rm -rf $(VENV)
