#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# End-to-end latency of `macf serve` against a local Hardhat node with the real Uniswap V2/V3
# bytecode: from the node announcing a block (newHeads) to macf's /stream message with that
# block's opportunities, median and p99, for
#   - Ethereum-like blocks: ~200 pool events per block, one block every 12 s;
#   - Arbitrum-like blocks: a few events per block, one block every 250 ms,
# and the API's latency under a load from wrk while the Arbitrum-like blocks stream in.
# Needs the test node (scripts/setup.sh test) and wrk (apt-get install wrk).
#   bench/e2e-latency.sh [BUILD_DIR] [ETH_BLOCKS] [ARB_BLOCKS]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$here/build}" && pwd)
eth_blocks=${2:-10}
arb_blocks=${3:-120}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }
export MACF_BENCH_BUILD="$build" MACF_ETH_BLOCKS="$eth_blocks" MACF_ARB_BLOCKS="$arb_blocks"
exec "$here/tools/evm/with-node.sh" bash -c '
set -euo pipefail
here='"'$here'"'
work=$(mktemp -d)
trap "kill -TERM \$pid 2>/dev/null || true; rm -rf $work" EXIT
node "$here/tools/evm/deploy-execution.js" --out "$work/fixture.json" 2>/dev/null
field() { python3 -c "import json,sys;d=json.load(open(\"$work/fixture.json\"));print(eval(sys.argv[1]))" "$1"; }
cat >"$work/serve.toml" <<TOML
[node]
poll_ms = 1000
ws = "${MACF_RPC_URL/http:/ws:}"
[[discovery.v2_factories]]
address = "$(field "d[\"v2_factory\"]")"
[[discovery.v3_factories]]
address = "$(field "d[\"v3_factory\"]")"
[engine]
weth = "$(field "d[\"tokens\"][\"W\"]")"
[api]
listen = "127.0.0.1:0"
rate_limit_per_s = 1000000
burst = 1000000
TOML
"$MACF_BENCH_BUILD/host/macf" ${MACF_SERVE_ARGS:-} serve --config "$work/serve.toml" --rpc "$MACF_RPC_URL" 2>"$work/serve.log" &
pid=$!
port=""
for _ in $(seq 1 100); do
    port=$(grep -o "(port [0-9]*)" "$work/serve.log" | head -n1 | grep -o "[0-9]*" || true)
    [[ -n "$port" ]] && break
    sleep 0.1
done
[[ -n "$port" ]] || { cat "$work/serve.log"; echo "macf serve did not start"; exit 1; }
for _ in $(seq 1 300); do
    curl -sf "http://127.0.0.1:$port/health" >/dev/null && break
    sleep 0.1
done
node "$here/tools/evm/latency-bench.js" "$work/fixture.json" "$port" ethereum-like "$MACF_ETH_BLOCKS" 150 12000 | tee "$work/eth.json"
wrk -t2 -c16 -d20s --latency "http://127.0.0.1:$port/opportunities" >"$work/wrk.txt" &
wrk_pid=$!
node "$here/tools/evm/latency-bench.js" "$work/fixture.json" "$port" arbitrum-like "$MACF_ARB_BLOCKS" 3 250 | tee "$work/arb.json"
wait $wrk_pid
echo "--- wrk: GET /opportunities, 2 threads, 16 connections, 20 s, while the Arbitrum-like blocks stream in"
cat "$work/wrk.txt"
grep -E "Non-2xx|Socket errors" "$work/wrk.txt" || true
echo "--- macf /metrics: block_to_publish (apply + score + publish, inside macf)"
curl -s "http://127.0.0.1:$port/metrics" | grep -E "^macf_block_to_publish_seconds_(count|sum)|^macf_rpc_calls_per_block"
'
