"""Real server processes for socket tests: daphne or uvicorn on the test database, a private redis-server.

Never touches the machine's own Redis (127.0.0.1:6379): fault tests get their own
``redis-server`` on a free port, started and stopped here.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

from django.db import connection

from config import servers

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 20.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            log = getattr(proc, "log_path", None)
            raise RuntimeError(f"server exited with {proc.returncode}: {log.read_text()[-2000:] if log else ''}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listening on {port} after {timeout}s")


def test_database_url() -> str:
    """The URL of the database the tests use, for a server in another process."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def start_daphne(port: int, *, redis_url: str | None = None, prefix: str | None = None, extra_env: dict | None = None):
    return start_asgi(port, "daphne", redis_url=redis_url, prefix=prefix, extra_env=extra_env)


def start_asgi(port: int, server: str = "daphne", *, redis_url: str | None = None, prefix: str | None = None,
               extra_env: dict | None = None):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.live.daphne_settings",
        "DATABASE_URL": test_database_url(),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    if redis_url is not None:
        env["REDIS_URL"] = redis_url
        env["CHANNEL_LAYER_PREFIX"] = prefix or f"livetest{port}"
    env.update(extra_env or {})
    log_path = BASE_DIR / "var" / f"{server}-{port}.log"
    log = open(log_path, "w")  # noqa: SIM115 - a pipe nobody drains would block the server
    proc = subprocess.Popen(
        servers.command(server, port), cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, text=True
    )
    log.close()
    proc.log_path = log_path
    try:
        wait_port(port, proc=proc)
    except Exception:
        stop(proc)
        raise
    return proc


def redis_server_binary() -> str:
    path = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(path).exists():
        raise RuntimeError("redis-server is not installed (make test installs it: apt-get install redis-server)")
    return path


def start_redis(port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [redis_server_binary(), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--protected-mode", "yes"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    wait_port(port, proc=proc)
    return proc


def stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)
