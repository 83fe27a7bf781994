# Two commands do all set-up on a fresh machine:
#   make demo   - install, then run the main job (the gate demo over sample prompts)
#   make test   - install, then ruff, mypy --strict and the whole pytest suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup system-deps demo test lint typecheck unit integration invariant bench-gate bench-cost \
	bench-reliability clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch first, so that pip takes the CPU build this machine keeps in its wheel folder.
	$(BIN)/pip install --quiet "torch==2.13.0"
	$(BIN)/pip install --quiet -e ".[dev,presidio,bench,litellm,redis,notebooks,local,agents,embeddings]"
	$(BIN)/pip check
	touch $(STAMP)

setup: $(STAMP)

# Debian's redis-server backs the shared-ledger tests (they start and stop it themselves).
system-deps:
	@command -v redis-server >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q redis-server; }

demo: setup
	$(BIN)/hybridchain demo

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

unit: setup
	$(BIN)/pytest tests/unit -q

integration: setup
	$(BIN)/pytest tests/integration -q

invariant: setup
	$(BIN)/pytest tests/invariant -q

test: system-deps lint typecheck
	$(BIN)/pytest -q

bench-gate: setup
	$(BIN)/python benchmarks/gate.py

bench-cost: setup
	$(BIN)/python benchmarks/cost.py

bench-reliability: setup
	$(BIN)/python benchmarks/reliability.py

clean:
	rm -rf $(VENV) build *.egg-info
