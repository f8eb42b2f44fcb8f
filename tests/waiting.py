"""Waiting in async tests for something another task or thread does, without a fixed sleep."""

import asyncio


async def wait_until(condition, timeout: float = 2.0, interval: float = 0.01) -> None:
    """Return as soon as ``condition()`` holds; fail the test if it has not within ``timeout`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, f"still not true after {timeout:g} s"
        await asyncio.sleep(interval)
