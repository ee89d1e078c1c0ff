# Attention Lab. `make run` serves the app; `make test` runs every test (browser tests included);
# `make test-fast` every test but the browser ones (a few minutes: the check before a commit).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run serve-class test test-fast test-packages lint format checkpoints bench bench-felt bench-train bench-tasks clean chromium nginx

# The venv is rebuilt when a requirements file changes (the stamp records the last install).
$(BIN)/.installed-run: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

# requirements-dev.txt includes requirements.txt: one pip run installs both (a fresh clone's CI
# pays one resolution, not two) and stamps the runtime install as well.
$(BIN)/.installed-dev: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(BIN)/.installed-run $@

# The server, then one warm-up run of app.py through its websocket (deploy/serve_class.py --warm):
# torch, the shipped models and Streamlit's first run are paid before the first visitor comes.
run: $(BIN)/.installed-run
	$(BIN)/streamlit run app.py --server.port $(PORT) & server=$$!; \
	  trap 'kill $$server 2>/dev/null; wait $$server' INT TERM EXIT; \
	  $(BIN)/python deploy/serve_class.py --warm $(PORT) || true; wait $$server

# A class: nginx on 127.0.0.1:8080 (PORT=) in front of N replicas on ports BASE_PORT.. (default
# 8601..), with session affinity; foreground, Ctrl-C stops nginx and every replica (deploy/).
N ?= 4
BASE_PORT ?= 8601
CLASS_PORT := $(if $(filter file,$(origin PORT)),8080,$(PORT))
serve-class: $(BIN)/.installed-run nginx
	$(BIN)/python deploy/serve_class.py --replicas $(N) --port $(CLASS_PORT) --base-port $(BASE_PORT)

# Debian's nginx for serve-class and its test (tests/test_deploy.py); installed here when missing.
# Only the binary is used: deploy/serve_class.py gives it its own config, pid and logs.
nginx:
	@if command -v dpkg >/dev/null 2>&1 && dpkg -s nginx >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
	  echo "installing nginx for make serve-class and its test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; \
	elif command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx; then :; \
	else echo "nginx is missing and apt-get is not available: make serve-class and its test cannot run"; fi

# Browser tests drive Debian's Chromium (Playwright's own download cannot work offline),
# with CJK and emoji fonts so every script renders; installed here when missing.
BROWSER_PACKAGES := chromium fonts-noto-cjk fonts-noto-color-emoji
chromium:
	@if command -v dpkg >/dev/null 2>&1 && dpkg -s $(BROWSER_PACKAGES) >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
	  echo "installing $(BROWSER_PACKAGES) for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null; \
	elif command -v chromium >/dev/null 2>&1; then :; \
	else echo "chromium is missing and apt-get is not available: browser tests will fail"; fi

# What the tests need from Debian, in one apt-get run when several are missing (a fresh machine);
# redis-server for the class store's Redis backend (DESIGN.md: replicas on several machines).
TEST_PACKAGES := $(BROWSER_PACKAGES) nginx redis-server
test-packages:
	@missing=""; for p in $(TEST_PACKAGES); do \
	  command -v dpkg >/dev/null 2>&1 && dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
	  echo "installing$$missing for the tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else $(MAKE) --no-print-directory chromium nginx; fi

# The tests in two pytest runs at once. The browser tests run in one process (one streamlit server
# and one Chromium shared by all of them, tests/conftest.py), its output kept in a log printed at
# the end; beside it, everything else runs in WORKERS xdist processes, a test file per worker at a
# time: the browser tests spend much of their time waiting on the server and Chromium, and the
# other runs fill the cores meanwhile. `make test` fails if either run fails.
WORKERS ?= 2
PYTEST_FAST := $(BIN)/python -m pytest -m "not browser" -n $(WORKERS) --dist loadfile
PYTEST_BROWSER := $(BIN)/python -m pytest -m browser
BROWSER_LOG := tests/output/browser-run.log

test-fast: $(BIN)/.installed-dev nginx
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PYTEST_FAST)

test: $(BIN)/.installed-dev test-packages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@mkdir -p tests/output
	$(PYTEST_BROWSER) > $(BROWSER_LOG) 2>&1 & browser=$$!; \
	  $(PYTEST_FAST); fast=$$?; wait $$browser; browser=$$?; \
	  echo "--- the browser tests (run beside the others; $(BROWSER_LOG)) ---"; cat $(BROWSER_LOG); \
	  echo "make test: not browser exit $$fast, browser exit $$browser"; test $$fast -eq 0 && test $$browser -eq 0

lint: $(BIN)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Rebuild the shipped models deterministically (fixed steps, fixed seeds).
checkpoints: $(BIN)/.installed-run
	$(BIN)/python -m seq2seq.training.zoo --out checkpoints

# Attention Lab against Joey NMT and the tutorial's loop, the machine's peak and the app's latencies
# (~15 min; installs joeynmt 2.3.0 into its own venv under benchmarks/work the first time).
# Prints a table and writes benchmarks/results/bench.{md,json}. Not part of make test.
bench: $(BIN)/.installed-dev chromium
	$(BIN)/python benchmarks/bench.py

# Speed as a person feels it: Attention Lab against a bare Streamlit app in one headless Chromium
# (a step, a first and a second visitor, with ratios; ~3 min). Also a section of make bench.
bench-felt: $(BIN)/.installed-dev chromium
	$(BIN)/python benchmarks/felt_speed.py

# Speed figures (not part of make test): time to 99 % on reverse 3-12, then on every task.
bench-train: $(BIN)/.installed-run
	$(BIN)/python benchmarks/time_to_accuracy.py

bench-tasks: $(BIN)/.installed-run
	$(BIN)/python benchmarks/time_to_accuracy.py --all --repeats 1 --zoo

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache tests/output
