"""The ceiling: a bare ``websockets`` server doing the same delivery, nothing else.

No framework, no channel layer, no database: chat and reactions are collected and
broadcast once per 100 ms tick with ``websockets.broadcast`` (one encode per tick), and
the viewer count is coalesced the same way. It is the most Python can do here.
"""

import asyncio
import json
import sys
from collections import Counter

from websockets.asyncio.server import broadcast, serve

CONNECTIONS = set()
PENDING: list = []
TAPS: Counter = Counter()
STATE = {"seq": 0, "viewers_sent": -1}


async def handler(ws):
    CONNECTIONS.add(ws)
    try:
        await ws.send(json.dumps({"v": 1, "type": "welcome", "seq": STATE["seq"]}))
        async for raw in ws:
            data = json.loads(raw)
            if data.get("type") == "chat.send":
                STATE["seq"] += 1
                PENDING.append({"type": "chat", "seq": STATE["seq"], "text": data["text"]})
            elif data.get("type") == "reaction":
                TAPS[data.get("kind", "heart")] += data.get("count", 1)
    finally:
        CONNECTIONS.discard(ws)


async def ticker():
    while True:
        await asyncio.sleep(0.1)
        events = PENDING[:]
        PENDING.clear()
        if len(CONNECTIONS) != STATE["viewers_sent"]:
            STATE["viewers_sent"] = len(CONNECTIONS)
            events.append({"type": "viewers", "count": len(CONNECTIONS)})
        if TAPS:
            events.append({"type": "reactions", "delta": dict(TAPS)})
            TAPS.clear()
        if events:
            broadcast(CONNECTIONS, json.dumps({"v": 1, "type": "batch", "seq": STATE["seq"], "events": events}))


async def main(port: int):
    async with serve(handler, "127.0.0.1", port, max_size=16384, ping_interval=20):
        await ticker()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
