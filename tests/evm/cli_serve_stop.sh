#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# SIGTERM while `macf serve` has a trade in flight (run under tools/evm/with-node.sh): the node
# stops mining, so the executor's transaction stays pending. serve follows it for
# execution.stop_grace_ms (default 1000), then stops, leaving it pending and logging its hash;
# the stop takes under 2 s. Mining afterwards shows the transaction was the one logged and
# that it was valid.
#   tests/evm/cli_serve_stop.sh MACF_BINARY WORK_DIR
set -euo pipefail
macf=$1
work=$2
here=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$work"
node "$here/tools/evm/deploy-execution.js" --out "$work/stop-fixture.json"
rpc() {  # rpc METHOD PARAMS_JSON: prints the result as JSON
    curl -sf -H 'Content-Type: application/json' \
        -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$1\",\"params\":$2}" "$MACF_RPC_URL" |
        python3 -c "import json,sys;print(json.dumps(json.load(sys.stdin)['result']))"
}
# shellcheck source=serve_config.sh
source "$here/tests/evm/serve_config.sh"
write_serve_config "$work/stop-fixture.json" "$work/stop.toml" balancer

# From now on transactions wait in the node's pool until a block is mined by hand.
rpc evm_setAutomine '[false]' >/dev/null
"$macf" serve --config "$work/stop.toml" --rpc "$MACF_RPC_URL" --log-format json \
    2>"$work/stop.log" &
pid=$!
trap 'kill -KILL $pid 2>/dev/null || true' EXIT
sent=""
for _ in $(seq 1 600); do
    sent=$(grep -o '"message":"executor: sent 0x[0-9a-f]*' "$work/stop.log" | grep -o '0x[0-9a-f]*' | head -n 1 || true)
    [[ -n "$sent" ]] && break
    kill -0 "$pid" 2>/dev/null || { cat "$work/stop.log"; echo "serve exited early"; exit 1; }
    sleep 0.1
done
[[ -n "$sent" ]] || { tail -n 30 "$work/stop.log"; echo "no trade was sent within 60 s"; exit 1; }
sleep 0.3  # the worker is now polling for the receipt
t0=$(date +%s.%N)
kill -TERM "$pid"
status=0
wait "$pid" || status=$?
t1=$(date +%s.%N)
trap - EXIT
took=$(python3 -c "print(f'{$t1 - $t0:.3f}')")
[[ $status -eq 0 ]] || { tail -n 20 "$work/stop.log"; echo "serve exited with $status after SIGTERM"; exit 1; }
python3 -c "import sys; sys.exit(0 if $took < 2.0 else 1)" ||
    { tail -n 20 "$work/stop.log"; echo "the stop took $took s (over 2 s)"; exit 1; }
grep -q "left pending; follow it by its hash" "$work/stop.log" || { tail -n 20 "$work/stop.log"; echo "the pending trade was not reported"; exit 1; }
grep "left pending" "$work/stop.log" | grep -q "$sent" || { echo "the reported hash is not the sent one"; exit 1; }
# The transaction logged is in the node's pool and valid: mining it gives a successful receipt.
rpc evm_mine '[]' >/dev/null
rpc evm_setAutomine '[true]' >/dev/null
receipt_status=$(rpc eth_getTransactionReceipt "[\"$sent\"]" | python3 -c "import json,sys;r=json.load(sys.stdin);print(r['status'] if r else 'none')")
[[ "$receipt_status" == "0x1" ]] || { echo "the left transaction's receipt: $receipt_status"; exit 1; }
echo "cli serve stop: SIGTERM with a trade in flight took $took s; $sent left pending, mined afterwards with status 1"
