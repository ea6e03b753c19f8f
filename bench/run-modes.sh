#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs the mode benchmarks and prints cycles/s per mode with the ratio to sequential measured
# in the same run (ultra in BM_Score: the device pipeline's OpenMP build). Usage:
# bench/run-modes.sh [BUILD_DIR] [OUT_JSON]
set -euo pipefail
build="${1:-build}"
out="${2:-/tmp/macf-bench-modes.json}"
"$build/bench/macf_bench" --benchmark_filter='BM_(Score|ScanRound)/' --benchmark_repetitions=5 \
    --benchmark_report_aggregates_only=true --benchmark_format=json --benchmark_out="$out" \
    --benchmark_out_format=json >/dev/null
python3 - "$out" <<'PY'
import json, sys
runs = [b for b in json.load(open(sys.argv[1]))["benchmarks"] if b.get("aggregate_name") == "median"]
rows = {}
for b in runs:
    bench, label = b["run_name"].split("/")[0], b["label"]
    mode, market = label.split("/")
    rows.setdefault((bench, market), {})[mode] = b["items_per_second"]
print(f"{'benchmark':<14}{'market':<8}{'mode':<12}{'cycles/s (median of 5)':>24}{'vs sequential':>15}")
for (bench, market), modes in rows.items():
    seq = modes.get("sequential")
    for mode in ("sequential", "batch", "parallel", "ultra"):
        if mode in modes:
            ratio = f"{modes[mode] / seq:.2f}x" if seq else "n/a"
            print(f"{bench:<14}{market:<8}{mode:<12}{modes[mode]:>24.4g}{ratio:>15}")
PY
