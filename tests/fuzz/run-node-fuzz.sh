#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds tests/fuzz/node_answers_fuzz.cpp with clang's libFuzzer, ASan and UBSan — the chain
# follower and the JSON-RPC client compiled from source with the same instrumentation — and runs
# it for a bounded time from the seed corpus in tests/fuzz/node_corpus (answers that crashed or
# looped the follower or serve before: a PoolCreated with tick spacing 0, a head of 2^64 - 1, a block
# that is null or lacks its number). Exit 77 (a ctest skip) without clang/libFuzzer.
#   tests/fuzz/run-node-fuzz.sh WORK_DIR [SECONDS]   (default 60 s; MACF_FUZZ_SECONDS overrides)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
work=${1:?usage: run-node-fuzz.sh WORK_DIR [SECONDS]}
seconds=${MACF_FUZZ_SECONDS:-${2:-60}}
cxx=${MACF_FUZZ_CXX:-clang++}
mkdir -p "$work/corpus" "$work/obj" "$work/generated"
# What host/sync/CMakeLists.txt generates: the tick-bitmap reader's creation code as a string.
printf '"%s"\n' "$(tr -d '[:space:]' <"$root/contracts/TickBitmapReader.bin")" >"$work/generated/reader.tmp"
cmp -s "$work/generated/reader.tmp" "$work/generated/tick_bitmap_reader_bin.inc" ||
    mv "$work/generated/reader.tmp" "$work/generated/tick_bitmap_reader_bin.inc"
# shellcheck source=tests/fuzz/fuzz-common.sh
source "$here/fuzz-common.sh"
require_fuzz_compiler
# -O0 with line tables only: half the compile time of -O1 -g (chain_sync.cpp: 25 s against
# 58 s), which is most of this test's time on a 2-core CI machine; fuzzing runs ~540 inputs/s.
flags=(-std=c++20 -O0 -gline-tables-only -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
       -I "$root/dex/include" -I "$root/chain/include" -I "$root/cuda/include"
       -I "$root/host/model/include" -I "$root/host/state/include" -I "$root/host/sync/include"
       -I "$work/generated")
sources=(chain/src/abi.cpp chain/src/address.cpp chain/src/dex_events.cpp chain/src/eth.cpp
         chain/src/hex.cpp chain/src/json.cpp chain/src/keccak.cpp chain/src/rpc_client.cpp
         chain/src/url_redact.cpp cuda/src/device_none.cpp cuda/src/host_buffer_none.cpp
         host/model/src/market.cpp host/model/src/pool_state.cpp host/model/src/safe_text.cpp
         host/state/src/reserve_cache.cpp host/sync/src/chain_sync.cpp host/sync/src/log_apply.cpp
         host/sync/src/pool_reader.cpp host/sync/src/pool_update.cpp host/sync/src/tick_bitmap_reader.cpp
         tests/fuzz/node_answers_fuzz.cpp)
objects=()
pids=()
for src in "${sources[@]}"; do
    obj="$work/obj/$(echo "$src" | tr / _).o"
    objects+=("$obj")
    # Rebuilt when the source or any header is newer (a stale object with an old class layout
    # is a false stack overflow).
    if [[ ! -f "$obj" || "$root/$src" -nt "$obj" || -n "$(find "$root/dex" "$root/chain" "$root/cuda" "$root/host" "$work/generated" \
            \( -name '*.hpp' -o -name '*.inl' -o -name '*.ipp' -o -name '*.inc' \) -newer "$obj" -print -quit)" ]]; then
        "$cxx" "${flags[@]}" -c "$root/$src" -o "$obj" 2>>"$work/build.log" &
        pids+=($!)
        if (( ${#pids[@]} >= 2 )); then wait "${pids[0]}" || { cat "$work/build.log"; exit 1; }; pids=("${pids[@]:1}"); fi
    fi
done
for pid in "${pids[@]}"; do wait "$pid" || { cat "$work/build.log"; exit 1; }; done
if ! "$cxx" -fsanitize=fuzzer,address,undefined "${objects[@]}" -o "$work/node_answers_fuzz" \
    -lsimdjson -lspdlog -lfmt -lcrypto++ -lpthread 2>>"$work/build.log"; then
    fail_fuzz_build "$work/build.log"
fi
cp "$here"/node_corpus/* "$work/corpus/"
echo "fuzzing the follower's node answers for ${seconds} s"
"$work/node_answers_fuzz" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" 2>&1 | tail -n 25
