#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Probe the inputs around every opportunity through a Curve metapool: is any better?

Scans a market (sequential, 20 gwei), then for each opportunity with a metapool hop quotes its
route, hop by hop, at every input within ±1,000 wei (steps of 50) and within ±2 % (steps of
0.01 %), and counts the inputs whose gross profit beats macf's.

    PYTHONPATH=build/python python3 bench/probe_metapool_sizing.py [--market data/sample-market.json]
"""
import argparse

import macf


def route_output(market, opp, amount):
    """The route's exact output for `amount`, or None when a hop reverts or fills partially."""
    for h in opp.hops:
        q = market.quote(h.pool, h.token_in, amount_in=amount, token_out=h.token_out)
        if not q.ok or q.amount_in != amount:
            return None
        amount = q.amount_out
    return amount


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--market", default="data/sample-market.json")
    a = ap.parse_args()
    market = macf.Market.load(a.market)
    coordinator = macf._native.NativeCoordinator("sequential", 1, 1000, True)
    opps = coordinator.scan(market, gas_price_gwei=20.0)
    through = [o for o in opps if any(p.kind == "curve_meta" for p in o.pools)]
    better = 0
    most = 0
    for o in through:
        best = o.output - o.input
        inputs = [o.input + d for d in range(-1000, 1001, 50) if o.input + d > 0]
        inputs += [o.input * (10000 + k) // 10000 for k in range(-200, 201)]
        for x in inputs:
            y = route_output(market, o, x)
            if y is not None and y - x > best:
                better += 1
                most = max(most, y - x - best)
    print(f"{len(opps)} opportunities, {len(through)} through metapools; {better} probed inputs "
          f"better, by at most {most} wei")


if __name__ == "__main__":
    main()
