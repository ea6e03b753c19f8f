#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The compose demo's node: a Hardhat node with the real Uniswap V2/V3 bytecode, the Balancer
# Vault and an Aave market (tools/evm/deploy-execution.js: two planted dislocations), listening
# on the container network, and a `macf serve` configuration for it in /demo/serve.toml
# (written last: its presence is the container's health check). Outside a container:
# scripts/demo-serve.sh.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rpc_host=${MACF_DEMO_RPC_HOST:-node}   # how macf reaches this node
bind=${MACF_DEMO_BIND:-0.0.0.0}         # the container network; 127.0.0.1 outside a container
demo=${MACF_DEMO_DIR:-/demo}
listen=${MACF_DEMO_LISTEN:-0.0.0.0:8080}
rm -f "$demo/serve.toml"
cd "$here"
HARDHAT_DISABLE_TELEMETRY_PROMPT=true node node_modules/hardhat/internal/cli/cli.js node --hostname "$bind" --port 8545 \
    >"$demo/hardhat.log" 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true' EXIT TERM INT
for _ in $(seq 1 300); do
    curl -sf -H 'content-type: application/json' \
        -d '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' http://127.0.0.1:8545 >/dev/null && break
    sleep 0.1
done
MACF_RPC_URL=http://127.0.0.1:8545/ node deploy-execution.js --out "$demo/fixture.json"
field() { node -e "const d=require(process.argv[2]);console.log(eval(process.argv[1]))" "$1" "$demo/fixture.json"; }
cat >"$demo/serve.toml.tmp" <<TOML
# Written by tools/evm/demo-node.sh for the compose demo.
[node]
rpc = "http://${rpc_host}:8545"
ws = "ws://${rpc_host}:8545"
poll_ms = 500
[[discovery.v2_factories]]
address = "$(field "d.v2_factory")"
[[discovery.v3_factories]]
address = "$(field "d.v3_factory")"
[engine]
weth = "$(field "d.tokens.W")"
[api]
listen = "$listen"
TOML
mv "$demo/serve.toml.tmp" "$demo/serve.toml"
echo "demo node ready on $bind:8545: $(field "d.tokens.W") is WETH; config in $demo/serve.toml"
wait $pid
