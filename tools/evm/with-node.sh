#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs a command beside a fresh local Hardhat node (127.0.0.1, a free port) and always stops the
# node afterwards: on success, on failure and on INT/TERM; `timeout` bounds its life even if this
# script is killed. The command sees MACF_RPC_URL. Exit 77 (a ctest skip) when the pinned npm
# packages are not installed.
#   tools/evm/with-node.sh COMMAND [ARGS...]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ ! -f "$here/node_modules/hardhat/internal/cli/cli.js" ]]; then
    echo "SKIP: the test node is not installed: run 'npm ci' in tools/evm (scripts/setup.sh test does)"
    exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/macf-evm.XXXXXX")
log="$work/hardhat-node.log"
export HARDHAT_DISABLE_TELEMETRY_PROMPT=true XDG_CONFIG_HOME="$work" XDG_DATA_HOME="$work" \
    XDG_CACHE_HOME="$work"
(cd "$here" && exec timeout "${MACF_EVM_NODE_SECONDS:-3600}" node node_modules/hardhat/internal/cli/cli.js \
    node --hostname 127.0.0.1 --port 0) >"$log" 2>&1 &
pid=$!
stop_node() {
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
trap 'status=$?; stop_node; if [[ $status -ne 0 && $status -ne 77 ]]; then echo "--- node log (tail) ---"; tail -n 40 "$log"; fi; rm -rf "$work"; exit $status' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
url=""
for _ in $(seq 1 300); do
    url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$log" | head -n 1 || true)
    [[ -n "$url" ]] && break
    kill -0 "$pid" 2>/dev/null || { echo "the test node exited before it was ready"; exit 1; }
    sleep 0.1
done
[[ -n "$url" ]] || { echo "the test node did not start within 30 s"; exit 1; }
export MACF_RPC_URL="$url/"
"$@"
