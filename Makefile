# Two commands do all set-up on a fresh Debian machine with Python 3.11:
#   make run   - create .venv, install, fetch offline map assets, prepare data, start the app
#   make test  - the same plus test tools, Debian's chromium and PostgreSQL + PostGIS, the lint
#                gate, then the whole suite
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
LEAFLET_VERSION := 1.9.4
LEAFLET_DRAW_VERSION := 1.0.4
VENDOR := static/vendor
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint venv dev assets data chromium postgis fonts bench clean

run: venv assets data fonts
	$(PY) -m streamlit run app.py --server.port $(PORT) --server.address 0.0.0.0

test: dev assets data chromium postgis lint
	$(PY) -m pytest

# Lint and type gate: ruff (pyproject.toml [tool.ruff]) on the whole tree and mypy --strict
# ([tool.mypy]) on the library packages (mypy also reports the cli and reports modules they
# import). ui, cli, reports and bench join MYPY_PATHS as they become clean.
MYPY_PATHS := geo siting layers planning store errors.py problems.py locales
lint: dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy $(MYPY_PATHS)

venv: $(VENV)/.installed
$(VENV)/.installed: requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found; set PYTHON=python3"; exit 1; }
	[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

dev: $(VENV)/.installed-dev
$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

# Leaflet and Leaflet.draw come from the npm registry at set-up and are served by the app
# itself (static/, enableStaticServing): nothing is fetched from a CDN at runtime.
assets: $(VENDOR)/.done
$(VENDOR)/.done:
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/tmp
	cd $(VENDOR)/tmp && npm pack --silent leaflet@$(LEAFLET_VERSION) leaflet-draw@$(LEAFLET_DRAW_VERSION) >/dev/null
	mkdir -p $(VENDOR)/leaflet $(VENDOR)/leaflet-draw
	tar -xzf $(VENDOR)/tmp/leaflet-$(LEAFLET_VERSION).tgz -C $(VENDOR)/leaflet --strip-components=2 package/dist
	tar -xzf $(VENDOR)/tmp/leaflet-draw-$(LEAFLET_DRAW_VERSION).tgz -C $(VENDOR)/leaflet-draw --strip-components=2 package/dist
	rm -rf $(VENDOR)/tmp
	touch $@

# Generated (not committed) data: deterministic rasters of the region packs.
data: venv
	$(PY) -m layers.build hohhot --generated-only

# Debian's chromium for the browser tests, a CJK font so Chinese renders in screenshots and
# report PDFs, and poppler-utils (pdftoppm/pdfinfo) to check the PDF packets.
chromium:
	@{ [ -x /usr/bin/chromium ] && [ -x /usr/bin/pdftoppm ] && \
	   fc-list 2>/dev/null | grep -qi "wenquanyi"; } || \
	  { $(SUDO) apt-get update -qq && \
	    $(SUDO) apt-get install -y -qq chromium fonts-wqy-microhei poppler-utils; }

# Debian's PostgreSQL and PostGIS for the PostGIS plan store tests and the load benchmark:
# they start a throwaway server on a temporary directory (tests/postgis_server.py, as the
# postgres user when run as root) and stop it afterwards; nothing uses the packaged cluster.
postgis:
	@{ ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && \
	   ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1; } || \
	  { $(SUDO) apt-get update -qq && \
	    $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-postgis; }

# A CJK font for Chinese text in report PDFs made from the app (best effort: the app runs
# without it and the reports then fall back to English).
fonts:
	@fc-list 2>/dev/null | grep -qi "wenquanyi" || \
	  { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq fonts-wqy-microhei; } || \
	  echo "fonts-wqy-microhei not installed: PDF reports will be in English"

bench: dev data postgis
	$(PY) -m bench

clean:
	rm -rf $(VENV) $(VENDOR) .pytest_cache
