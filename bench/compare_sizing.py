#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Exact sizing of two macf binaries on one market, in the same run.

Runs `macf scan --mode sequential --json` with each binary, interleaved, `--repeat` times; reports
the median time of the resimulate stage (exact sizing) and its ratio, the exact evaluations per
candidate the newer binary reports, and, cycle by cycle, whether each opportunity's net profit went
up, down or stayed (and whether any was lost or gained).

    bench/compare_sizing.py --old /tmp/macf-base/build/host/macf --new build/host/macf \\
        --market data/sample-market.json --repeat 5

A binary older than the curve_meta kind (e16bcd6) refuses the bundled sample, which has Curve
metapools since then; compare such a binary on the same market without them, which the
generator reproduces exactly (the metapools come last):

    build/host/macf gen --seed 2026 --tokens 200 --pools 1500 --dislocations 6 --v3-pools 150 \\
        --curve-pools 4 --balancer-pools 60 -o /tmp/sample-five-kinds.json
"""
import argparse
import json
import statistics
import subprocess
import sys


def scan(binary, market, extra):
    cmd = [binary, "scan", "--market", market, "--mode", "sequential", "--json",
           "--top", "1000000000"] + extra
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--old", required=True, help="the earlier macf binary")
    ap.add_argument("--new", required=True, help="the macf binary under test")
    ap.add_argument("--market", default="data/sample-market.json")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("scan_args", nargs="*", help="more `macf scan` arguments (after --)")
    a = ap.parse_args()
    if a.repeat < 1:
        sys.exit("--repeat must be at least 1")
    times = {"old": [], "new": []}
    last = {}
    for _ in range(a.repeat):
        for name in ("old", "new"):
            d = scan(getattr(a, name), a.market, a.scan_args)
            times[name].append(d["runs"][0]["stages"]["resimulate"])
            last[name] = d
    old_t = statistics.median(times["old"])
    new_t = statistics.median(times["new"])
    run = last["new"]["runs"][0]
    print(f"market {a.market}: {run['candidates']} candidates, "
          f"{run['opportunities_found']} opportunities")
    print(f"resimulate median of {a.repeat}: old {old_t:.4f} s, new {new_t:.4f} s, "
          f"ratio {old_t / new_t:.2f}x")
    if "sizing_evaluations_per_candidate" in run:
        print(f"new: {run['sizing_evaluations_per_candidate']:.1f} exact evaluations per "
              f"candidate, {run['sizing_proven']} opportunities proven optimal")
    old = {o["cycle"]: int(o["net_profit"]) for o in last["old"]["opportunities"]}
    new = {o["cycle"]: int(o["net_profit"]) for o in last["new"]["opportunities"]}
    higher = sum(1 for c in old if c in new and new[c] > old[c])
    lower = [(old[c] - new[c], old[c], c) for c in old if c in new and new[c] < old[c]]
    same = sum(1 for c in old if c in new and new[c] == old[c])
    lost = [c for c in old if c not in new]
    gained = [c for c in new if c not in old]
    print(f"net profit per cycle: higher {higher}, same {same}, lower {len(lower)}, "
          f"lost {len(lost)}, gained {len(gained)}")
    if lower:
        worst_rel = max(d / p for d, p, _ in lower)
        worst_abs = max(lower)
        print(f"lower by at most {worst_abs[0]} wei (cycle {worst_abs[2]}), "
              f"relative {worst_rel:.2e}; median {statistics.median(d for d, _, _ in lower)} wei")
    gain = sum(new[c] - old[c] for c in old if c in new)
    print(f"sum of net profit over common cycles: {gain:+d} wei")


if __name__ == "__main__":
    main()
