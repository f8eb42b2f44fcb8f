"""How many chat comments a second the order parser reads (one core, one process).

A Friday night market can see hundreds of comments a second in a popular room; the
parser must stay far above that so the room's budget goes to the socket, not to regexes.

    .venv/bin/python bench/order_parser_bench.py [--comments 10000] [--rounds 5]

Never part of ``make test``.
"""

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from live.order_parser import OrderParser

OFFERED = [f"B{n:02d}" for n in range(1, 31)] + ["SP12", "OCOP005"]
TEMPLATES = [
    "chốt {code} {n}",
    "chot {lower} x{n}",
    "{code} lấy {n}",
    "{n} {lower}",
    "em lấy {n} hộp {code} nha",
    "{code} {n} hộp, {code2} 1 túi",
    "chốt {code} + {code2}",
    "{code} giá bao nhiêu?",
    "{lower} con ko shop",
    "chốt {code} {n} nha, ship về Cầu Giấy được không? sđt 0912 345 678",
    "hai hộp {code}",
    "{code} 150k",
    "chốt {code} 500g giao số 12 ngõ 34",
    "shop ơi đẹp quá 😍😍😍",
    "Chị ơi cho em hỏi ship Hà Đông mất bao lâu ạ",
    "{code} 0",
    "B99 {n}",
    "CHỐT {code} X{n} {code2} X1",
]


def make_comments(count: int, seed: int = 2026) -> list[str]:
    rng = random.Random(seed)
    comments = []
    for _ in range(count):
        code, code2 = rng.sample(OFFERED, 2)
        template = rng.choice(TEMPLATES)
        comments.append(template.format(code=code, code2=code2, lower=code.lower(), n=rng.randint(1, 12)))
    return comments


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    comments = make_comments(args.comments)
    order_parser = OrderParser(OFFERED)
    best = float("inf")
    kinds: dict[str, int] = {}
    for _ in range(args.rounds):
        started = time.perf_counter()
        results = [order_parser.parse(comment) for comment in comments]
        best = min(best, time.perf_counter() - started)
    for result in results:
        kinds[result.kind] = kinds.get(result.kind, 0) + 1
    print(f"{len(comments)} comments, best of {args.rounds} rounds: {best:.3f} s")
    print(f"{len(comments) / best:,.0f} comments/second ({best / len(comments) * 1e6:.1f} µs each)")
    print("kinds:", ", ".join(f"{kind}={n}" for kind, n in sorted(kinds.items())))


if __name__ == "__main__":
    main()
