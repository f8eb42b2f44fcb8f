"""What ``bench/live_bench.py`` prints once it has measured: pass rules, spreads, ratios, the table.

Pure functions over the rows ``live_bench.run_level`` returns (one row per run of one server
at one level), so the driver only measures. A level passes for a server when every one of
its runs passes (``passes``); a server's figure is the highest level it passed with every
level below it passed too; the ratio to the ceiling is taken between servers measured in
the same run, interleaved, so on the same machine at the same minutes.
"""

from __future__ import annotations

import math
import statistics

P99_LIMIT_MS = 300.0
RSS_TARGET_MB_PER_1000 = 64.0  # issue 16: at most this much server memory per 1,000 viewers
RATIO_TARGET = 0.8  # issue 16: ours at least this share of the ceiling's viewers
CEILING = "ceiling"


def passes(r: dict) -> bool:
    """One run: p99 within the limit, nothing lost, every socket in, the sale's purchases all made."""
    sale_ok = "flash_sale" not in r or (r["flash_sale"]["purchase_failures"] == 0 and r["flash_sale"]["events"] > 0)
    return (
        r["p99_ms"] <= P99_LIMIT_MS and r["lost"] == 0 and r["connection_failures"] == 0 and r["sent"] > 0 and sale_ok
    )


def _number(x) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else x


def spread(values) -> dict:
    """min, median and max of the values that are numbers (a run without samples has none)."""
    xs = [x for x in map(_number, values) if x is not None]
    if not xs:
        return {"min": None, "median": None, "max": None}
    return {"min": round(min(xs), 2), "median": round(statistics.median(xs), 2), "max": round(max(xs), 2)}


def passed_count(runs: list[dict]) -> str:
    return f"{sum(map(passes, runs))}/{len(runs)}"


def climb(by_level: dict[int, list[dict]]) -> tuple[int, list[dict], int | None, list[dict]]:
    """(highest level passed, its runs, the level that failed or None, its runs); levels in climbing order."""
    best, best_runs = 0, []
    for n, runs in by_level.items():
        if not all(map(passes, runs)):
            return best, best_runs, n, runs
        best, best_runs = n, runs
    return best, best_runs, None, []


def paired_ratios(runs: list[dict], ceiling_runs: list[dict]) -> list[float]:
    """p99 over the ceiling's p99, run by run: run i of each was measured in the same round."""
    ratios = []
    for ours, ceiling in zip(runs, ceiling_runs, strict=False):
        a, b = _number(ours["p99_ms"]), _number(ceiling["p99_ms"])
        if a is not None and b:
            ratios.append(a / b)
    return ratios


def level_line(profile: str, n: int, runs: dict[str, list[dict]]) -> dict:
    """One level, every server measured at it: p99 spread, runs passed, and p99 beside the ceiling's."""
    line = {
        "profile": profile,
        "viewers": n,
        "runs": max(len(r) for r in runs.values()),
        "p99_ms": {name: spread(r["p99_ms"] for r in rs) for name, rs in runs.items()},
        "passed": {name: passed_count(rs) for name, rs in runs.items()},
        "lost": {name: sum(r["lost"] for r in rs) for name, rs in runs.items()},
        "connection_failures": {name: sum(r["connection_failures"] for r in rs) for name, rs in runs.items()},
        "other_cpu_pct": spread(r["other_cpu_pct"] for rs in runs.values() for r in rs),
    }
    if CEILING in runs:
        line["p99_over_ceiling"] = {
            name: spread(paired_ratios(rs, runs[CEILING])) for name, rs in runs.items() if name != CEILING
        }
    return line


def server_line(
    name: str, profile: str, processes: int, by_level: dict[int, list[dict]], ceiling_max: int | None
) -> dict:
    """The summary of one server in one profile (the JSON line of before, with the spread and the ratio)."""
    best, best_runs, failed_n, failed_runs = climb(by_level)
    shown = best_runs or failed_runs  # a server that passed no level: its first level speaks
    worst = max(shown or [{}], key=lambda r: _number(r.get("p99_ms")) or 0.0)
    line = {
        "server": name,
        "profile": profile,
        "processes": processes,
        "max_viewers": best,
        "ratio_to_ceiling": round(best / ceiling_max, 2) if ceiling_max else None,
        "p50_ms": worst.get("p50_ms"),
        "p99_ms": worst.get("p99_ms"),  # the worst run at that level speaks
        "lost": max((r["lost"] for r in shown), default=0),
        "connection_failures": max((r["connection_failures"] for r in shown), default=0),
        "rss_mb_per_1000_viewers": max((r["rss_mb_per_1000_viewers"] for r in shown), default=None),
        "server_cpu_pct": worst.get("server_cpu_pct"),
        "client_cpu_pct": worst.get("client_cpu_pct"),
        "client_saturated": worst.get("client_saturated"),
        "other_cpu_pct": worst.get("other_cpu_pct"),
        "repeat": max((len(rs) for rs in by_level.values()), default=0),
        "p99_spread": [
            {"viewers": n, **spread(r["p99_ms"] for r in rs), "passed": passed_count(rs)} for n, rs in by_level.items()
        ],
    }
    if "flash_sale" in worst:
        line["flash_sale"] = worst["flash_sale"]
    if failed_n is not None:
        first = next(r for r in failed_runs if not passes(r))
        line["next_level"] = {
            "viewers": failed_n,
            "passed": passed_count(failed_runs),
            "p99_ms": spread(r["p99_ms"] for r in failed_runs),
            "lost": max(r["lost"] for r in failed_runs),
            "connection_failures": max(r["connection_failures"] for r in failed_runs),
            **{k: first[k] for k in ("server_cpu_pct", "client_cpu_pct", "client_saturated", "other_cpu_pct")},
            "errors": first.get("errors", []),
        }
        if first["client_saturated"] and first["server_cpu_pct"] < 90 * processes:
            line["note"] = "the load client saturated its cores before the server did"
    return line


def targets_line(line: dict, ceiling_max: int | None) -> dict:
    """Issue 16's targets for one of our variants, from its summary line."""
    ratio, rss = line["ratio_to_ceiling"], line["rss_mb_per_1000_viewers"]
    checks = {
        f"ratio_ge_{RATIO_TARGET:g}": None if ratio is None else ratio >= RATIO_TARGET,
        # "≥ 4,000 viewers on a day when the ceiling reaches 5,000": only judged on such a day
        "ge_4000_when_ceiling_ge_5000": None if not ceiling_max or ceiling_max < 5000 else line["max_viewers"] >= 4000,
        # per 1,000 viewers, judged from 1,000 up: below, the few MB a level costs are mostly noise
        f"rss_le_{RSS_TARGET_MB_PER_1000:g}_mb_per_1000": (
            None if rss is None or line["max_viewers"] < 1000 else rss <= RSS_TARGET_MB_PER_1000
        ),
    }
    return {
        "check": "targets",
        "server": line["server"],
        "profile": line["profile"],
        "max_viewers": line["max_viewers"],
        "ceiling_max_viewers": ceiling_max,
        "ratio_to_ceiling": ratio,
        "rss_mb_per_1000_viewers": rss,
        **checks,
        # judged only beside a ceiling measured in the same run; a check that cannot be judged (null) does not fail it
        "met": None if ratio is None else all(v is not False for v in checks.values()),
    }


def _cell(runs: list[dict] | None) -> str:
    if not runs:
        return "-"
    s = spread(r["p99_ms"] for r in runs)
    if s["min"] is None:
        return f"no samples ({passed_count(runs)})"
    return f"{s['min']:.0f}/{s['median']:.0f}/{s['max']:.0f} ({passed_count(runs)})"


def table(profile: str, names: list[str], runs: dict[str, dict[int, list[dict]]], lines: dict[str, dict]) -> list[str]:
    """A plain-text table of the run (every line starts with '# ': ``grep '^{'`` keeps the JSON)."""
    width = 22
    levels = sorted({n for name in names for n in runs[name]})
    ratio_names = [n for n in names if n != CEILING] if CEILING in names else []
    head = (
        ["viewers".rjust(8)] + [n.ljust(width) for n in names] + [f"{n}/ceiling p99".ljust(width) for n in ratio_names]
    )
    out = [
        f"# {profile}: p99 ms min/median/max over the runs of each level (runs passed); servers interleaved run by run",
        "# " + " ".join(head),
    ]
    for level in levels:
        cells = [f"{level:>8,}"] + [_cell(runs[name].get(level)).ljust(width) for name in names]
        for name in ratio_names:
            s = spread(paired_ratios(runs[name].get(level, []), runs[CEILING].get(level, [])))
            cells.append(
                ("-" if s["median"] is None else f"{s['min']:.2f}/{s['median']:.2f}/{s['max']:.2f}").ljust(width)
            )
        out.append("# " + " ".join(cells))
    out.append("# " + " ".join(["max".rjust(8)] + [f"{lines[n]['max_viewers']:,}".ljust(width) for n in names]))
    if CEILING in names:
        out.append(
            "# "
            + " ".join(
                ["/ceiling".rjust(8)]
                + [
                    ("-" if lines[n]["ratio_to_ceiling"] is None else f"{lines[n]['ratio_to_ceiling']:.2f}×").ljust(
                        width
                    )
                    for n in names
                ]
            )
        )
    out.append(
        "# "
        + " ".join(
            ["MB/1000".rjust(8)]
            + [str(lines[n]["rss_mb_per_1000_viewers"] if lines[n]["max_viewers"] else "-").ljust(width) for n in names]
        )
    )
    return out
