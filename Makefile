# ecrm: `make run` opens the app on a demo workspace; `make test` runs every check CI runs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_WORKSPACE ?= $(HOME)/.local/share/ecrm-demo
DEMO_CUSTOMERS ?= 50000
DEMO_PASSWORD := ecrm-demo-2026

.PHONY: run test lint system-deps venv screenshots benchmark lock clean package package-check

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "ecrm needs Python 3.11 or newer" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

system-deps:
	scripts/system-deps.sh

run: venv system-deps
	@test -e "$(DEMO_WORKSPACE)/keyslots.json" || \
		ECRM_USER=admin ECRM_PASSWORD=$(DEMO_PASSWORD) $(BIN)/ecrm demo --workspace "$(DEMO_WORKSPACE)" --customers $(DEMO_CUSTOMERS)
	@echo "Demo workspace $(DEMO_WORKSPACE): user admin, password $(DEMO_PASSWORD)"
	@if [ -n "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then \
		$(BIN)/ecrm gui --workspace "$(DEMO_WORKSPACE)"; \
	else \
		echo "No display here: running the window under Xvfb (see docs/screenshots/ for what it shows)."; \
		xvfb-run -a -s "-screen 0 1600x1000x24" $(BIN)/ecrm gui --workspace "$(DEMO_WORKSPACE)"; \
	fi

lint: venv
	$(BIN)/ruff check ecrm_desktop tests benchmarks scripts packaging packaging/verify
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/bandit --quiet --configfile pyproject.toml --recursive ecrm_desktop --severity-level high

test: venv system-deps lint
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest

screenshots: venv system-deps
	QT_QPA_PLATFORM=offscreen PYTHONPATH=. $(BIN)/python scripts/screenshots.py docs/screenshots

benchmark: venv
	$(BIN)/python benchmarks/run_benchmarks.py

# The signed Debian package in dist/ (docs/packaging.md). The release key comes from ECRM_RELEASE_KEY_FILE or
# ECRM_RELEASE_KEY; without one the build is signed with a throw-away key whose public half is dist/release-key.pub.
package: venv system-deps
	@if [ -n "$${ECRM_RELEASE_KEY_FILE:-}$${ECRM_RELEASE_KEY:-}" ]; then \
		$(BIN)/python packaging/build.py; \
	else \
		echo "No release key given: signing with a throw-away key (dist/release-key.pub)."; \
		$(BIN)/python packaging/build.py --throwaway-key; \
	fi

# Installs dist/'s .deb on a clean Debian chroot, runs its self-test there, purges it (root, network to Debian).
package-check: package
	$(BIN)/python packaging/install_check.py dist

# Re-resolve the lock file after changing dependencies in pyproject.toml.
lock:
	$(PYTHON) -m pip install --quiet uv
	$(PYTHON) -m uv pip compile pyproject.toml --extra dev --python-version 3.11 --universal --generate-hashes \
		--output-file requirements.lock --quiet

clean:
	rm -rf $(VENV) build dist *.egg-info .mypy_cache .pytest_cache .ruff_cache
