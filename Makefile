# Chợ Đêm Trên Mây — the README's two commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.dev

.PHONY: run test install chromium redis-server migrate seed serve lint format messages bench-live bench-orders bench-market check-deploy vendor-hls vendor-chartjs nginx run-prod stop-prod drill drill-short

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

run: install migrate seed serve

migrate: install
	$(PY) manage.py migrate --noinput

seed: install
	$(PY) manage.py seed_demo

# daphne and the task worker (manage.py run_worker: flash sales' ends, order deadlines,
# reminders) side by side; Ctrl-C stops both (bin/serve).
serve: install
	PORT=$(PORT) VENV=$(VENV) bin/serve

# Debian's Chromium for the browser tests; Playwright's own download cannot work here.
chromium:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

# redis-server for the live-room tests that need a real channel layer (they start their own on a free port).
redis-server:
	@command -v redis-server >/dev/null || [ -x /usr/bin/redis-server ] || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq redis-server >/dev/null; }

# Every core (pytest-xdist), browser tests in a pass of their own (bin/pytest-all says why).
test: install chromium redis-server
	PY=$(PY) bin/pytest-all $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Regenerate the translation catalogs (source strings are Vietnamese; site/locale/en is the English).
messages: install
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=var --ignore=node_modules
	$(PY) manage.py makemessages -d djangojs -l en --ignore=.venv --ignore=var --ignore=node_modules --ignore=site/static/vendor
	$(PY) manage.py compilemessages --ignore=.venv

check-deploy: install
	DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_SECRET_KEY=$$(openssl rand -hex 32) \
	  DJANGO_ALLOWED_HOSTS=chodem.example.vn $(PY) manage.py check --deploy --fail-level WARNING

# Live rooms (bench/live_bench.py): ours under uvicorn (production) and under daphne (make run), each as one
# process and as two sharing the room through Redis, the Channels-tutorial baseline and the bare-websockets
# ceiling, interleaved run by run, 3 runs per level.
bench-live: install redis-server
	@echo '# the profile alone (chat 20/s, reactions 50/s, viewer count)'
	$(PY) bench/live_bench.py --repeat 3 --servers ours-uvicorn,ours,baseline,ceiling --processes 1,2
	@echo '# the same with a flash sale running (bench/flash_sale.py)'
	$(PY) bench/live_bench.py --repeat 3 --servers ours-uvicorn,ours,baseline,ceiling --processes 1,2 --flash-sale

# Orders on PostgreSQL (DATABASE_URL or postgres://postgres@127.0.0.1:5432/): three runs of
# bench/orders_bench.py, each in a database of its own (created and dropped); needs pgbench.
bench-orders: install
	@command -v pgbench >/dev/null || (apt-get update -qq && apt-get install -y -qq postgresql-client postgresql-contrib)
	$(PY) bench/orders_bench.py --runs 3

# The weekly market on PostgreSQL (DATABASE_URL or postgres://postgres@127.0.0.1:5432/chodem_market_bench,
# created and seeded with the demo when missing): the organizers' dashboard and a live session's lobby, 3 runs.
bench-market: install
	$(PY) bench/market.py --runs 3

# Debian's nginx for the production topology (deploy/); its own service is not started.
nginx:
	@command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nginx >/dev/null; }

# The production topology on this machine (deploy/run-prod.sh): nginx on 127.0.0.1:8080 in front of
# PROD_WORKERS uvicorn workers (PROD_ASGI_SERVER=daphne: daphne), the task worker, PostgreSQL (DATABASE_URL; default a database it creates
# on 127.0.0.1:5432) and a private redis-server. Production settings; plain HTTP on loopback.
run-prod: install nginx redis-server
	deploy/run-prod.sh start

stop-prod:
	deploy/run-prod.sh stop

# The attack-and-fault drill against run-prod (bench/drill.py; starts and stops it when it is not running).
drill: install nginx redis-server
	$(PY) bench/drill.py

drill-short: install nginx redis-server
	$(PY) bench/drill.py --short

# hls.js (Apache-2.0) plays HLS live streams in browsers without native HLS (Safari has it).
# Vendored, never from a CDN: the npm registry's tarball, checked against its integrity,
# light build (no subtitles/DRM) plus the transmux worker loaded from our own origin (CSP).
# Run `make vendor-hls` to refresh after changing HLS_VERSION and HLS_INTEGRITY (`npm view hls.js@X dist.integrity`).
HLS_VERSION := 1.7.4
HLS_INTEGRITY := sha512-3GlxGdPvT2YHvQYOt+yOzT/DEior/qJVNIylHA77kgeoBTdQQqi70GwefNEUmHQeNGyjC8U62+bruqW/Tpm+tg==
vendor-hls:
	@tmp=$$(mktemp -d) && cd $$tmp && npm pack hls.js@$(HLS_VERSION) --silent >/dev/null && \
	  test "sha512-$$(openssl dgst -sha512 -binary hls.js-$(HLS_VERSION).tgz | base64 -w0)" = "$(HLS_INTEGRITY)" && \
	  tar xzf hls.js-$(HLS_VERSION).tgz && mkdir -p $(CURDIR)/site/static/vendor/hls.js && \
	  cp package/dist/hls.light.min.js package/dist/hls.worker.js package/LICENSE $(CURDIR)/site/static/vendor/hls.js/ && \
	  sed -i '/^\/\/# sourceMappingURL=/d' $(CURDIR)/site/static/vendor/hls.js/*.js && \
	  echo "hls.js $(HLS_VERSION) from the npm registry ($(HLS_INTEGRITY)); dist/hls.light.min.js and dist/hls.worker.js without their sourceMappingURL line (the maps are not shipped; collectstatic's manifest would look for them)" > $(CURDIR)/site/static/vendor/hls.js/VERSION && \
	  rm -rf $$tmp && echo "site/static/vendor/hls.js: hls.js $(HLS_VERSION)"

# Chart.js draws the report and dashboard charts (each chart has its table and CSV beside it).
# Run `make vendor-chartjs` to refresh after changing CHARTJS_VERSION and CHARTJS_INTEGRITY.
CHARTJS_VERSION := 4.5.1
CHARTJS_INTEGRITY := sha512-GIjfiT9dbmHRiYi6Nl2yFCq7kkwdkp1W/lp2J99rX0yo9tgJGn3lKQATztIjb5tVtevcBtIdICNWqlq5+E8/Pw==
vendor-chartjs:
	@tmp=$$(mktemp -d) && cd $$tmp && npm pack chart.js@$(CHARTJS_VERSION) --silent >/dev/null && \
	  test "sha512-$$(openssl dgst -sha512 -binary chart.js-$(CHARTJS_VERSION).tgz | base64 -w0)" = "$(CHARTJS_INTEGRITY)" && \
	  tar xzf chart.js-$(CHARTJS_VERSION).tgz && mkdir -p $(CURDIR)/site/static/vendor/chart.js && \
	  cp package/dist/chart.umd.min.js package/LICENSE.md $(CURDIR)/site/static/vendor/chart.js/ && \
	  sed -i '/^\/\/# sourceMappingURL=/d' $(CURDIR)/site/static/vendor/chart.js/chart.umd.min.js && \
	  echo "chart.js $(CHARTJS_VERSION) from the npm registry ($(CHARTJS_INTEGRITY)); dist/chart.umd.min.js without its sourceMappingURL line" > $(CURDIR)/site/static/vendor/chart.js/VERSION && \
	  rm -rf $$tmp && echo "site/static/vendor/chart.js: chart.js $(CHARTJS_VERSION)"
