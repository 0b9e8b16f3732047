# pywebio_nb — the two commands: `make lab` (set up + JupyterLab on notebooks/, see also
# `make demo`) and `make test` (set up + the whole test suite). Both are idempotent.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
VENV6 := .venv-ipk6
VENVB := .venv-bench
CHROMIUM := /usr/bin/chromium
HOST ?= 127.0.0.1
PORT ?= 8080

.PHONY: setup js labextension lab demo test lint jstest bench chromium nginx clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q -U pip

$(VENV)/.deps: requirements/dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements/dev.txt
	touch $@

js/node_modules/.package-lock.json: js/package-lock.json
	cd js && npm ci --no-audit --no-fund
	touch $@

# The frontend is always rebuilt (esbuild takes ~1 s) so static/ never goes stale.
js: js/node_modules/.package-lock.json
	cd js && npm run build

$(VENV)/.pkg: pyproject.toml $(VENV)/.deps jupyter-config/jupyter_server_config.d/pywebio_nb.json
	$(BIN)/pip install -q --no-build-isolation --no-deps -e .
	touch $@

# The prebuilt JupyterLab / Notebook 7 extension (labextension/; it bundles js/'s renderer),
# rebuilt when its sources change (~10 s); the editable install's JupyterLab sees it through
# a link in the venv, as `jupyter labextension develop` would make.
LABEXT := pywebio_nb/labextension
labextension/node_modules/.package-lock.json: labextension/package-lock.json
	cd labextension && npm ci --no-audit --no-fund
	touch $@

$(LABEXT)/package.json: labextension/node_modules/.package-lock.json js/node_modules/.package-lock.json $(wildcard labextension/*.json labextension/*.mjs labextension/src/*.ts labextension/snapshot/*.ts labextension/style/*) $(shell find js/src js/build.mjs -type f)
	cd labextension && PATH="$(CURDIR)/$(BIN):$$PATH" npm run build

$(VENV)/share/jupyter/labextensions/pywebio-nb: | $(VENV)/.pkg
	mkdir -p $(dir $@) && rm -rf $@ && ln -s $(CURDIR)/$(LABEXT) $@

labextension: $(LABEXT)/package.json $(VENV)/share/jupyter/labextensions/pywebio-nb

setup: $(VENV)/.deps js $(VENV)/.pkg labextension

$(VENV6)/.deps: requirements/ipykernel6.txt
	$(PY) -m venv $(VENV6)
	$(VENV6)/bin/pip install -q -U pip
	$(VENV6)/bin/pip install -q -r requirements/ipykernel6.txt
	touch $@

chromium:
	@test -x $(CHROMIUM) || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# Debian's nginx for tests/server/test_nginx_server.py, which runs its own from a temporary directory.
nginx:
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx; }

lab: setup
	$(BIN)/jupyter lab --notebook-dir=notebooks --ip=$(HOST) --no-browser $(if $(filter 0,$(shell id -u)),--allow-root,)

demo: setup
	HOST=$(HOST) PORT=$(PORT) $(BIN)/python examples/demo.py

test: setup $(VENV6)/.deps chromium nginx lint jstest
	$(BIN)/python -m pytest -q -p no:cacheprovider

lint: setup
	$(BIN)/ruff check pywebio_nb tests bench examples scripts
	$(BIN)/ruff format --check pywebio_nb tests bench examples scripts
	$(BIN)/mypy
	$(BIN)/python scripts/gen_protocol_ts.py --check
	cd js && npm run -s typecheck
	cd js && npm run -s lint
	cd labextension && npm run -s typecheck && npm run -s lint

# Vitest (jsdom): the renderer against the shared conformance table, the anywidget entry
# against a mock model, sanitizing. A few seconds.
jstest: setup
	cd js && npm run -s test

# PyWebIO 1.8.4 in its own venv: bench/bench_compare.py runs it side by side with pywebio_nb.
$(VENVB)/.deps: requirements/bench.txt
	$(PY) -m venv $(VENVB)
	$(VENVB)/bin/pip install -q -U pip
	$(VENVB)/bin/pip install -q -r requirements/bench.txt
	touch $@

bench: setup chromium $(VENVB)/.deps
	$(BIN)/python bench/bench_compare.py --pywebio-python $(VENVB)/bin/python --repeat 3
	$(BIN)/python bench/bench_server.py
	$(BIN)/python bench/bench_notebook.py
	$(BIN)/python bench/bench_media.py
	$(BIN)/python bench/bench_upload.py
	$(BIN)/python bench/bench_load.py
	$(BIN)/python bench/bench_adapters.py

clean:
	rm -rf $(VENV) $(VENV6) $(VENVB) js/node_modules pywebio_nb/static/*.js pywebio_nb/static/chunks pywebio_nb/static/themes test-artifacts labextension/node_modules labextension/lib $(LABEXT)
