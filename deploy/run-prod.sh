#!/usr/bin/env bash
# The production topology on one machine: nginx -> N ASGI workers -> PostgreSQL + Redis,
# plus the task worker. `make run-prod` / `make stop-prod` call this.
#
#   deploy/run-prod.sh start     migrate, collectstatic, start everything, print the URL
#   deploy/run-prod.sh stop      stop everything this script started (nothing else)
#   deploy/run-prod.sh status    one line per process
#   deploy/run-prod.sh restart-redis | restart-worker    (the drill's faults)
#
# Everything lives under var/prod (PROD_DIR): a private nginx (its own prefix, pid and
# temp files; the machine's nginx, if any, is untouched), a private redis-server on a free
# port (the machine's own Redis is never used nor stopped), logs and pid files. Each ASGI
# worker and the task worker run under a small restart loop: a worker killed with kill -9
# is back within a second, while nginx sends new sockets to the others.
#
# Environment (defaults for loopback):
#   PROD_LISTEN=127.0.0.1:8080    nginx's address (plain HTTP: see PROD_PLAIN_HTTP)
#   PROD_WORKERS=2                ASGI workers (one per core)
#   PROD_ASGI_SERVER=uvicorn      or daphne (see asgi_command)
#   PROD_APP_PORT=8101            first worker's port (127.0.0.1:8101, :8102, ...)
#   PROD_TASK_WORKERS=2           task workers: while one restarts, another runs what falls due
#   DATABASE_URL                  default postgres://postgres@127.0.0.1:5432/chodem_prod (created if missing)
#   PROD_PLAIN_HTTP=1             plain HTTP on loopback (drill): DJANGO_SECURE_SSL_REDIRECT=false.
#                                 Set 0 when nginx terminates TLS (the 443 server in deploy/nginx/chodem.conf).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VAR=${PROD_DIR:-$ROOT/var/prod}
PY=$ROOT/.venv/bin/python
LISTEN=${PROD_LISTEN:-127.0.0.1:8080}
WORKERS=${PROD_WORKERS:-2}
ASGI_SERVER=${PROD_ASGI_SERVER:-uvicorn}
APP_PORT=${PROD_APP_PORT:-8101}
TASK_WORKERS=${PROD_TASK_WORKERS:-2}
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
REDIS_SERVER=$(command -v redis-server || echo /usr/bin/redis-server)

free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
wait_port() {  # host:port, seconds
  local deadline=$((SECONDS + $2))
  until $PY -c "import socket,sys; h,p='$1'.rsplit(':',1); socket.create_connection((h,int(p)),0.5).close()" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || { echo "run-prod: $1 never opened (see $VAR/log/)" >&2; return 1; }
    sleep 0.2
  done
}

write_env() {
  mkdir -p "$VAR"/{log,run,nginx} "$ROOT/var/media"
  [ -s "$VAR/secret_key" ] || (umask 077 && openssl rand -hex 32 >"$VAR/secret_key")
  [ -s "$VAR/redis.port" ] || free_port >"$VAR/redis.port"
  local db=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/chodem_prod}
  local plain=${PROD_PLAIN_HTTP:-1}
  # Database connections: a pool of 12 per worker (DJANGO_DB_POOL_MAX_SIZE, production.py).
  # Persistent connections (CONN_MAX_AGE=60, the pool off) linger with each HTTP request's
  # thread under ASGI: the drill's HTTP flood then ran PostgreSQL out of connections (500s),
  # even with nginx capping requests in flight per address. Reconnecting per call
  # (CONN_MAX_AGE=0, no pool) tripled the rush's buyer p99. See docs/benchmarks.md, "The drill".
  umask 077
  cat >"$VAR/env" <<ENV
DJANGO_SETTINGS_MODULE=config.settings.production
DJANGO_SECRET_KEY=$(cat "$VAR/secret_key")
DJANGO_ALLOWED_HOSTS=${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}
DATABASE_URL=$db
REDIS_URL=redis://127.0.0.1:$(cat "$VAR/redis.port")/0
DJANGO_CONN_MAX_AGE=${DJANGO_CONN_MAX_AGE:-60}
DJANGO_DB_POOL_MAX_SIZE=${DJANGO_DB_POOL_MAX_SIZE:-12}
TRUSTED_PROXY_COUNT=1
DJANGO_SECURE_SSL_REDIRECT=$([ "$plain" = 1 ] && echo false || echo true)
WAGTAILADMIN_BASE_URL=http://$LISTEN
PROD_LISTEN=$LISTEN
PROD_WORKERS=$WORKERS
PROD_ASGI_SERVER=$ASGI_SERVER
PROD_APP_PORT=$APP_PORT
ENV
  umask 022
}

load_env() { set -a; . "$VAR/env"; set +a; }

start_redis() {
  local port; port=$(cat "$VAR/redis.port")
  # Channel layer and cache only: nothing to persist (the database holds every durable event).
  "$REDIS_SERVER" --port "$port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
    --pidfile "$VAR/run/redis.pid" --logfile "$VAR/log/redis.log" --maxclients 10000 >/dev/null
  wait_port "127.0.0.1:$port" 10
}

stop_redis() {
  if alive "$VAR/run/redis.pid"; then
    local pid; pid=$(cat "$VAR/run/redis.pid")
    kill "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$VAR/run/redis.pid"
}

ensure_database() {
  case "$DATABASE_URL" in
    postgres://*|postgresql://*)
      $PY - <<'PYEOF'
import os
from urllib.parse import urlsplit

import psycopg

url = urlsplit(os.environ["DATABASE_URL"])
name = url.path.lstrip("/")
admin = url._replace(path="/postgres").geturl()
with psycopg.connect(admin, autocommit=True) as pg:
    if not pg.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
        pg.execute(f'CREATE DATABASE "{name}"')
        print(f"run-prod: created database {name}")
PYEOF
      ;;
  esac
}

# One ASGI worker on 127.0.0.1:$1: uvicorn by default (the drill measured it against daphne
# side by side, docs/benchmarks.md); PROD_ASGI_SERVER=daphne runs what `make run` runs.
# The flags of both are in config/servers.py.
asgi_command() { $PY -m config.servers "$ASGI_SERVER" "$1"; }

# A restart loop: runs "$@" again whenever it exits, until var/prod/run/stopping exists.
supervise() {
  local name=$1; shift
  (
    trap 'kill -TERM "$child" 2>/dev/null; wait "$child" 2>/dev/null; exit 0' TERM INT
    while [ ! -e "$VAR/run/stopping" ]; do
      "$@" >>"$VAR/log/$name.log" 2>&1 &
      child=$!
      echo "$child" >"$VAR/run/$name.pid"
      wait "$child" || true
      [ -e "$VAR/run/stopping" ] || { echo "$(date -Is) $name exited; restarting" >>"$VAR/log/supervise.log"; sleep 0.5; }
    done
  ) </dev/null >>"$VAR/log/supervise.log" 2>&1 &
  echo $! >"$VAR/run/$name.loop.pid"
}

start_nginx() {
  local servers=""
  for i in $(seq 1 "$WORKERS"); do
    servers+="server 127.0.0.1:$((APP_PORT + i - 1)) max_fails=1 fail_timeout=3s; "
  done
  mkdir -p "$VAR/nginx/cache"
  sed -e "s#@LISTEN@#$LISTEN#" -e "s#@CACHE_ROOT@#$VAR/nginx/cache#" -e "s#@APP_SERVERS@#$servers#" -e "s#@STATIC_ROOT@#$ROOT/var/static#" \
      -e "s#@MEDIA_ROOT@#${DJANGO_MEDIA_ROOT:-$ROOT/var/media}#" deploy/nginx/chodem.conf >"$VAR/nginx/chodem.conf"
  sed -e "s#@VAR@#$VAR#g" deploy/nginx/nginx.conf >"$VAR/nginx/nginx.conf"
  "$NGINX" -t -q -p "$VAR/nginx" -e "$VAR/nginx/error.log" -c "$VAR/nginx/nginx.conf"
  "$NGINX" -p "$VAR/nginx" -e "$VAR/nginx/error.log" -c "$VAR/nginx/nginx.conf"
}

cmd_start() {
  case "$ASGI_SERVER" in daphne|uvicorn) ;; *) echo "run-prod: PROD_ASGI_SERVER is uvicorn or daphne, not $ASGI_SERVER" >&2; exit 2 ;; esac
  [ -x "$NGINX" ] || { echo "run-prod: nginx is missing (make nginx)" >&2; exit 1; }
  if alive "$VAR/run/nginx.pid" || alive "$VAR/nginx/nginx.pid"; then
    echo "run-prod: already running (make stop-prod first)" >&2; exit 1
  fi
  write_env
  load_env
  rm -f "$VAR/run/stopping"
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  ensure_database
  start_redis
  $PY manage.py migrate --noinput -v0
  $PY manage.py collectstatic --noinput -v0
  for i in $(seq 1 "$WORKERS"); do
    # eval: the words of the command, which config/servers.py prints shell-quoted
    eval "supervise asgi-$i $(asgi_command $((APP_PORT + i - 1)))"
  done
  # Two by default: a task worker's restart (a deploy, a crash) took 10 s from SIGTERM to its
  # first task on two busy cores, and a sale's end fell due meanwhile (docs/benchmarks.md).
  for i in $(seq 1 "$TASK_WORKERS"); do supervise "task-worker-$i" $PY manage.py run_worker --interval 0.5; done
  for i in $(seq 1 "$WORKERS"); do wait_port "127.0.0.1:$((APP_PORT + i - 1))" 60; done
  start_nginx
  wait_port "$LISTEN" 10
  echo "Chợ Đêm Trên Mây (production settings, $WORKERS $ASGI_SERVER workers behind nginx): http://$LISTEN/"
  echo "  logs: $VAR/log/   stop: make stop-prod"
}

cmd_stop() {
  [ -d "$VAR/run" ] || { echo "run-prod: not running"; return 0; }
  touch "$VAR/run/stopping"
  if alive "$VAR/nginx/nginx.pid"; then
    "$NGINX" -p "$VAR/nginx" -e "$VAR/nginx/error.log" -c "$VAR/nginx/nginx.conf" -s quit || true
    for _ in $(seq 50); do alive "$VAR/nginx/nginx.pid" || break; sleep 0.1; done
  fi
  local loops=() pids=()
  for f in "$VAR"/run/*.loop.pid; do [ -e "$f" ] && alive "$f" && loops+=("$(cat "$f")"); done
  for f in "$VAR"/run/*.pid; do
    case "$f" in *.loop.pid|*/redis.pid) continue ;; esac
    alive "$f" && pids+=("$(cat "$f")")
  done
  [ ${#loops[@]} -eq 0 ] || kill -TERM "${loops[@]}" 2>/dev/null || true
  [ ${#pids[@]} -eq 0 ] || kill -TERM "${pids[@]}" 2>/dev/null || true
  for _ in $(seq 100); do
    local left=0
    for p in "${loops[@]}" "${pids[@]}"; do kill -0 "$p" 2>/dev/null && left=1; done
    [ $left = 1 ] || break
    sleep 0.1
  done
  for p in "${loops[@]}" "${pids[@]}"; do kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null; done
  stop_redis
  rm -f "$VAR"/run/*.pid
  echo "run-prod: stopped"
}

cmd_status() {
  for f in "$VAR"/nginx/nginx.pid "$VAR"/run/*.pid; do
    [ -e "$f" ] || continue
    printf '%-28s %s\n' "$(basename "$f" .pid)" "$(alive "$f" && echo "up (pid $(cat "$f"))" || echo down)"
  done
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  restart-redis) load_env; stop_redis; start_redis; echo "run-prod: redis restarted" ;;
  restart-worker) alive "$VAR/run/task-worker-1.pid" && kill -TERM "$(cat "$VAR/run/task-worker-1.pid")"; echo "run-prod: task worker 1 restarting" ;;
  *) echo "usage: $0 start|stop|status|restart-redis|restart-worker" >&2; exit 2 ;;
esac
