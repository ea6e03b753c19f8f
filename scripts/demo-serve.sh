#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `macf serve` against a local chain, for a first try: starts a Hardhat node on 127.0.0.1:8545
# with Uniswap pools and two planted dislocations (tools/evm/demo-node.sh), then runs macf
# serve with its API on 127.0.0.1:8080 until Ctrl-C, and stops the node. Needs
# `scripts/setup.sh test` once (the node's npm packages and the build).
#   scripts/demo-serve.sh [BUILD_DIR]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build}
[[ -x "$build/host/macf" ]] || { echo "no $build/host/macf: run scripts/setup.sh test first"; exit 1; }
[[ -d "$root/tools/evm/node_modules" ]] || { echo "the node's packages are missing: run scripts/setup.sh test first"; exit 1; }
if curl -s -o /dev/null http://127.0.0.1:8545; then echo "something already listens on 127.0.0.1:8545"; exit 1; fi
demo=$(mktemp -d "${TMPDIR:-/tmp}/macf-demo.XXXXXX")
MACF_DEMO_DIR="$demo" MACF_DEMO_BIND=127.0.0.1 MACF_DEMO_RPC_HOST=127.0.0.1 \
    MACF_DEMO_LISTEN=127.0.0.1:8080 "$root/tools/evm/demo-node.sh" >"$demo/node.out" 2>&1 &
node_pid=$!
trap 'kill -TERM $node_pid 2>/dev/null || true; wait $node_pid 2>/dev/null || true; rm -rf "$demo"' EXIT
for _ in $(seq 1 600); do
    [[ -f "$demo/serve.toml" ]] && break
    kill -0 "$node_pid" 2>/dev/null || { cat "$demo/node.out"; echo "the demo node stopped"; exit 1; }
    sleep 0.1
done
[[ -f "$demo/serve.toml" ]] || { cat "$demo/node.out"; echo "the demo node was not ready in 60 s"; exit 1; }
echo "local chain ready; macf serve starts (API: http://127.0.0.1:8080/health, /opportunities, /metrics; Ctrl-C stops)"
"$build/host/macf" serve --config "$demo/serve.toml"
