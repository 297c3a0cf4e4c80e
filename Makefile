# mgwsim: `make demo` and `make test` are all a fresh machine needs (Python >= 3.11, make).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The suite on every core, at most 4 (each worker holds studies in memory); a test file stays on one worker.
TEST_WORKERS ?= $(shell $(PYTHON) -c "import os; print(min(len(getattr(os, 'sched_getaffinity', lambda _: range(os.cpu_count() or 1))(0)), 4))")

KERNEL_TESTS := tests/test_thermal.py tests/test_system.py tests/test_dhw_tank.py tests/test_control.py \
                tests/test_ev.py \
                tests/test_heatpump_maps.py tests/test_emitters.py tests/test_coupled.py

.PHONY: demo test test-nojit bench docs install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml setup.py
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/python -m mgwsim.warmup
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/mgwsim demo --out out

test: $(STAMP)
	$(MAKE) --no-print-directory test-nojit
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile

# The kernels again as plain Python, so that their code is covered and checked without numba.
test-nojit: $(STAMP)
	NUMBA_DISABLE_JIT=1 $(BIN)/python -m pytest -q -p no:cacheprovider $(KERNEL_TESTS)

bench: $(STAMP)
	$(BIN)/python -m benchmarks

# The documentation site; warnings are errors.
docs: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[docs]"
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

clean:
	rm -rf $(VENV) out site .pytest_cache
