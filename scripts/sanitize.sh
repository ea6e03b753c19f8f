#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The CPU tests under AddressSanitizer and UndefinedBehaviorSanitizer, in one command, sized for
# a 2-core laptop: a build without the CUDA parts, the Python module and the benchmarks (none of
# which the sanitized tests use), -O1, only the test programs and the macf binary they run, then
# every ctest except the node (evm), fuzz (already sanitized, tests/fuzz), gpu, python and the
# static checks of style and images. What the README's full sanitized recipe covers besides:
# the node tests with the sanitized binary (`cmake --build BUILD_DIR && ctest --test-dir BUILD_DIR -L evm`).
#   scripts/sanitize.sh [BUILD_DIR]      (default build-asan; reuses it on the next run)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-"$root/build-asan"}
jobs=$(nproc)
start=$(date +%s)
# -g1: line tables for the reports, without full debug info (the slowest part of a -g build).
# The null check recovers only so that scripts/ubsan.supp can silence it in CCCL's headers;
# halt_on_error below still stops on any other report.
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 \
    -DMACF_CUDA=OFF -DMACF_PYTHON=OFF \
    -DMACF_BUILD_BENCH=OFF \
    -DCMAKE_CXX_FLAGS="-O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined -fsanitize-recover=null -fno-omit-frame-pointer -Wno-maybe-uninitialized" \
    >/dev/null
cmake --build "$build" -j "$jobs" --target macf dex_tests chain_tests host_tests
built=$(date +%s)
echo "sanitize.sh: built in $((built - start)) s"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:suppressions=$root/scripts/ubsan.supp}
ctest --test-dir "$build" -j "$jobs" --output-on-failure -LE 'evm|fuzz|gpu|python|style|docker' \
    -E 'macf/(contracts|style)/|_NOT_BUILT$'
echo "sanitize.sh: tests in $(($(date +%s) - built)) s; $(($(date +%s) - start)) s in all"
