#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The GPU checks of ../shared/GPU.md, prepared here and run there in one go.
#   here:  scripts/gpu-check.sh --prepare [BUILD_DIR=build-gpu]
#          a Release build for sm_90 (H100/H200) of gpu_tests, macf and macf_bench, stripped, with
#          the non-system shared libraries they need copied into BUILD_DIR/lib.
#   there: scripts/gpu-check.sh BUILD_DIR OUT_DIR
#          the device, the GPU tests, compute-sanitizer on them, ultra on the CUDA pipeline
#          against parallel on the sample market (opportunities compared), score-only throughput
#          of every mode and of the pipeline; every output under OUT_DIR, a table printed last.
set -uo pipefail
cd "$(dirname "$0")/.."

if [[ "${1:-}" == "--prepare" ]]; then
    set -e
    build="${2:-build-gpu}"
    cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMACF_CUDA=ON \
        -DCMAKE_CUDA_ARCHITECTURES=90 -DMACF_PYTHON=OFF >/dev/null
    ninja -C "$build" gpu_tests macf macf_bench
    mkdir -p "$build/lib"
    bins=("$build/tests/gpu_tests" "$build/host/macf" "$build/bench/macf_bench")
    # Everything ldd resolves except glibc, the C++ runtime and the CUDA driver (the GPU
    # machine has its own; a copied stub would shadow it).
    for b in "${bins[@]}"; do
        ldd "$b" | awk '/=> \// {print $3}'
    done | sort -u | grep -Ev '/(libc|libm|libdl|librt|libpthread|libstdc\+\+|libgcc_s|ld-linux[^/]*|libcuda)\.so' |
        while read -r lib; do cp -L "$lib" "$build/lib/"; done
    strip "${bins[@]}" "$build"/lib/*.so* 2>/dev/null || true
    du -sh "$build/lib" "${bins[@]}"
    echo "carry $build (under 64 MiB) and run: scripts/gpu-check.sh $build OUT_DIR"
    exit 0
fi

build="${1:?usage: scripts/gpu-check.sh BUILD_DIR OUT_DIR (or --prepare)}"
out="${2:?usage: scripts/gpu-check.sh BUILD_DIR OUT_DIR}"
mkdir -p "$out"
export LD_LIBRARY_PATH="$build/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
status=0
step() {  # step NAME COMMAND...: runs it with its output in OUT_DIR/NAME.txt, records the result
    local name="$1"
    shift
    local t0=$SECONDS
    if "$@" >"$out/$name.txt" 2>&1; then
        echo "$name: ok ($((SECONDS - t0)) s)" | tee -a "$out/summary.txt"
    else
        echo "$name: FAILED, exit $? ($((SECONDS - t0)) s; see $name.txt)" | tee -a "$out/summary.txt"
        status=1
    fi
}
: >"$out/summary.txt"
step device nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv
step gpu_tests "$build/tests/gpu_tests"
if command -v compute-sanitizer >/dev/null; then
    step memcheck compute-sanitizer --tool memcheck --error-exitcode 1 "$build/tests/gpu_tests"
else
    echo "memcheck: skipped (no compute-sanitizer)" | tee -a "$out/summary.txt"
fi
for backend in parallel cuda; do
    step "scan-$backend" sh -c 'MACF_ULTRA_BACKEND="$1" "$2/host/macf" scan --market data/sample-market.json \
        --mode ultra --json --top 1000000 >"$3/scan-$1.json"' sh "$backend" "$build" "$out"
done
step scan-compare python3 - "$out/scan-parallel.json" "$out/scan-cuda.json" <<'PY'
import json, sys
a, b = (json.load(open(p))["opportunities"] for p in sys.argv[1:3])
print(f"parallel {len(a)} opportunities, ultra on the GPU {len(b)}, identical: {a == b}")
sys.exit(0 if a == b and a else 1)
PY
step bench env MACF_ULTRA_BACKEND=cuda "$build/bench/macf_bench" --benchmark_filter='BM_Score/' \
    --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
echo
echo "== device"; cat "$out/device.txt"
echo "== score-only throughput (median of 5; ultra = the device pipeline on the GPU)"
grep -E 'median' "$out/bench.txt" | awk '{print $NF, $(NF-1)}' || true
echo "== summary"; cat "$out/summary.txt"
exit $status
