#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The MACF guide's benchmark shape through macf's Python package, measured in one run.

1. coordinate_opportunities: 500 opportunities (real cycles of the market, from a scan), every
   mode, the evaluator being macf's exact quote: each cycle is re-priced hop by hop at 16 input
   sizes with Market.quote (what a searcher's own evaluator would do). Sequential first; the
   others' speedup_factor is against it, same items, same evaluator.
2. scan: macf's own scoring and exact sizing of the whole market, every mode (median of N).

  PYTHONPATH=build/python python3 bench/python_modes.py [--market data/sample-market.json]
      [--repeat 5] [--out bench/results/DATE-python.md]
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import sys

import macf
from macf import CoordinationMode, MACFCoordinator


def make_evaluator(market: macf.Market):
    def evaluate(opp: macf.Opportunity):
        best = None
        for k in range(1, 17):  # 1/8 … 2× the sized input
            x = opp.input * k // 8
            amount = x
            for hop in opp.hops:
                q = market.quote(hop.pool, hop.token_in, amount_in=amount, token_out=hop.token_out)
                if not q.ok:
                    amount = 0
                    break
                amount = q.amount_out
            gross = amount - x
            if best is None or gross > best[1]:
                best = (x, gross)
        return {"cycle": opp.cycle, "is_profitable": best[1] > 0, "input": best[0],
                "gross": best[1]}

    return evaluate


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--market", default="data/sample-market.json")
    ap.add_argument("--opportunities", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--workers", type=int, default=0)
    ap.add_argument("--out", default="")
    args = ap.parse_args()

    market = macf.Market.load(args.market)
    with MACFCoordinator(mode=CoordinationMode.PARALLEL) as c:
        cycles = c.scan(market, gas_price_gwei=0)[: args.opportunities]
    evaluate = make_evaluator(market)

    rows = []
    reference = None
    for mode in CoordinationMode:
        times = []
        with MACFCoordinator(mode=mode, max_workers=args.workers, batch_size=25,
                             enable_cache=False) as c:
            for _ in range(args.repeat):
                results = c.coordinate_opportunities(cycles, evaluate)
                times.append(c.get_metrics())
        m = sorted(times, key=lambda x: x["total_time"])[len(times) // 2]
        if reference is None:
            reference = results
        agree = results == reference
        rows.append(("coordinate_opportunities", mode.value, len(cycles), m["total_time"],
                     m["speedup_factor"], len(cycles) / m["total_time"], len(results), agree))

    scan_rows = []
    ref_scan = None
    for mode in CoordinationMode:
        with MACFCoordinator(mode=mode, max_workers=args.workers) as c:
            c.scan(market)  # enumerates the cycles once (cached per market and settings)
            runs = []
            for _ in range(args.repeat):
                ops = c.scan(market)
                runs.append(c.get_metrics())
        m = sorted(runs, key=lambda x: x["total_time"])[len(runs) // 2]
        dicts = [o.to_dict() for o in ops]
        if ref_scan is None:
            ref_scan = dicts
        scan_rows.append(("scan", mode.value, m["opportunities_processed"], m["total_time"],
                          m["speedup_factor"], m["opportunities_processed"] / m["total_time"],
                          len(ops), dicts == ref_scan))

    lines = [
        f"# macf Python package: the MACF guide's benchmark shape ({datetime.date.today()})",
        "",
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} hardware "
        f"threads, Python {platform.python_version()}, GPU: {macf.gpu_status()['reason'] or macf.gpu_status()['name']}.",
        f"Market: `{args.market}` ({len(market.tokens)} tokens, {len(market.pools)} pools). "
        f"Median of {args.repeat} runs per mode, modes measured in the same process, sequential "
        "first; speedup = sequential time / mode time for the same work.",
        "",
        f"Command: `PYTHONPATH=build/python python3 bench/python_modes.py --market {args.market} "
        f"--repeat {args.repeat}`",
        "",
        "| work | mode | items | time (s) | speedup | items/s | results | same results |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for work, mode, items, t, speedup, rate, found, agree in rows + scan_rows:
        lines.append(f"| {work} | {mode} | {items:,} | {t:.4f} | {speedup:.2f}× | {rate:,.0f} | "
                     f"{found:,} | {'yes' if agree else 'NO'} |")
    lines += [
        "",
        "coordinate_opportunities: items are opportunities (the top cycles of a scan at gas 0), "
        "the evaluator re-prices each at 16 inputs with `Market.quote` (exact; the GIL is released "
        "inside V3, Curve and Balancer quotes, held elsewhere). scan: items are cycles scored; time is the "
        "whole round (load states, edges, score, exact re-simulation, ranking); items/s = "
        "cycles / round time.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    return 0 if all(r[-1] for r in rows + scan_rows) else 3


if __name__ == "__main__":
    sys.exit(main())
