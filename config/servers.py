"""How each ASGI server starts: one place for run-prod, the benchmarks and the socket tests.

``make run`` serves with daphne (bin/serve); production runs uvicorn workers behind nginx
(deploy/run-prod.sh), measured side by side in the drill and ``make bench-live``
(docs/benchmarks.md). Both: inbound messages capped at 16 KB, no compression (the hub frames
a tick once for every socket, ``live.wire``), the client's address left to the app
(``TRUSTED_PROXY_COUNT``, never the server's proxy-header handling, which trusts what the
client writes), no lifespan (Channels has none).

    python -m config.servers uvicorn 8101     # prints the command, shell-quoted
"""

from __future__ import annotations

import shlex
import sys

SERVERS = ("daphne", "uvicorn")
APPLICATION = "config.asgi:application"


def command(server: str, port: int, application: str = APPLICATION, python: str = sys.executable) -> list[str]:
    if server == "daphne":
        return [python, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "--websocket-max-message-size", "16384",
                "--websocket-max-frame-size", "16384", "--no-server-name", application]
    if server == "uvicorn":
        return [python, "-m", "uvicorn", "--host", "127.0.0.1", "--port", str(port), "--loop", "uvloop",
                "--http", "httptools", "--ws", "websockets-sansio", "--ws-max-size", "16384",
                "--ws-per-message-deflate", "false", "--no-proxy-headers", "--lifespan", "off",
                "--no-server-header", "--no-access-log", "--log-level", "warning", "--backlog", "4096", application]
    raise ValueError(f"unknown ASGI server {server!r} (one of {', '.join(SERVERS)})")


if __name__ == "__main__":
    print(shlex.join(command(sys.argv[1], int(sys.argv[2]))))
