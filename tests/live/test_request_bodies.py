"""Request bodies through a real daphne and a real uvicorn (issue 14, hole 5): capped before Django, never held whole in memory.

A 50 MB upload used to be read into daphne's application queue at once (+51 MB RSS)
before any limit refused it.
"""

import socket
import threading
import time

import psutil
import pytest

from tests.live.servers import free_port, start_asgi, stop

pytestmark = pytest.mark.django_db(transaction=True)

MB = 1024 * 1024


@pytest.fixture(scope="module", params=["daphne", "uvicorn"])
def server(request):
    port = free_port()
    # Caps small enough to keep the test fast: 8 MB for everyone, 12 MB under /admin/.
    proc = start_asgi(port, request.param, extra_env={"REQUEST_BODY_MAX_BYTES": str(8 * MB), "REQUEST_BODY_MAX_BYTES_ADMIN": str(12 * MB)})
    yield port, psutil.Process(proc.pid)
    stop(proc)


def _post(port: int, path: str, size: int, *, chunked: bool = False, timeout: float = 30.0) -> tuple[int, float]:
    """POST ``size`` bytes of body to ``path``; (status, seconds to the answer). 0 when the server closed first."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        head = f"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\n"
        head += "Transfer-Encoding: chunked\r\n\r\n" if chunked else f"Content-Length: {size}\r\n\r\n"
        sock.sendall(head.encode())
        block = b"x" * (256 * 1024)
        sent = 0
        try:
            while sent < size:
                piece = block[: min(len(block), size - sent)]
                sock.sendall(f"{len(piece):x}\r\n".encode() + piece + b"\r\n" if chunked else piece)
                sent += len(piece)
            if chunked:
                sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused while we were still sending: what a proxy would see too
        try:
            answer = sock.recv(200)
        except ConnectionResetError:
            answer = b""
    status = int(answer.split()[1]) if answer.startswith(b"HTTP/1.1 ") else 0
    return status, time.monotonic() - started


def _rss_growth(proc, call) -> tuple[object, float]:
    """``call()``'s result and the server's peak resident memory meanwhile, over what it was before (MB)."""
    before = proc.memory_info().rss
    peak = [before]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], proc.memory_info().rss)
            time.sleep(0.002)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        result = call()
        time.sleep(0.2)
    finally:
        done.set()
        sampler.join()
    return result, (peak[0] - before) / MB


def test_an_accepted_body_streams_from_disk_not_memory(server):
    """First in this module: memory freed after a bigger body would hide the growth."""
    port, proc = server
    _post(port, "/", 1024)
    (status, _seconds), grown = _rss_growth(proc, lambda: _post(port, "/", 7 * MB))
    assert status == 403  # read whole by Django, then refused for its missing CSRF token: not 413
    assert grown < 4, f"the server grew by {grown:.1f} MB for an accepted 7 MB body"


def test_a_body_over_the_cap_is_refused_before_it_is_read(server):
    port, proc = server
    _post(port, "/", 1024)  # warm up the process (imports, first request)
    (status, seconds), grown = _rss_growth(proc, lambda: _post(port, "/api/v1/vendors/htx/documents/", 50 * MB))
    assert status == 413
    assert grown < 8, f"the server grew by {grown:.1f} MB for a refused 50 MB body"


def test_a_chunked_body_over_the_cap_is_refused_while_it_arrives(server):
    port, proc = server
    (status, _seconds), grown = _rss_growth(proc, lambda: _post(port, "/", 50 * MB, chunked=True))
    assert status in (413, 0)  # answered 413 and closed mid-upload
    assert grown < 8, f"the server grew by {grown:.1f} MB for a refused chunked body"


def test_the_admin_takes_bigger_bodies(server):
    port, _proc = server
    assert _post(port, "/admin/documents/multiple/add/", 10 * MB)[0] != 413
    assert _post(port, "/admin/documents/multiple/add/", 13 * MB)[0] == 413
