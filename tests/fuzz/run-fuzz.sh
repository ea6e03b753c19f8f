#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds tests/fuzz/dex_fuzz.cpp with clang's libFuzzer, ASan and UBSan (the dex library is
# header-only) and runs it for a bounded time. Exit 77 (a ctest skip) without clang/libFuzzer.
#   tests/fuzz/run-fuzz.sh WORK_DIR [SECONDS]   (default 60 s; MACF_FUZZ_SECONDS overrides)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
work=${1:?usage: run-fuzz.sh WORK_DIR [SECONDS]}
seconds=${MACF_FUZZ_SECONDS:-${2:-60}}
cxx=${MACF_FUZZ_CXX:-clang++}
mkdir -p "$work/corpus"
# shellcheck source=tests/fuzz/fuzz-common.sh
source "$here/fuzz-common.sh"
require_fuzz_compiler
if ! "$cxx" -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I "$root/dex/include" "$here/dex_fuzz.cpp" -o "$work/dex_fuzz" 2>"$work/build.log"; then
    fail_fuzz_build "$work/build.log"
fi
echo "fuzzing for ${seconds} s"
"$work/dex_fuzz" -max_total_time="$seconds" -max_len=512 -print_final_stats=1 \
    -artifact_prefix="$work/" "$work/corpus" 2>&1 | tail -n 25
