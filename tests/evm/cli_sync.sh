#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `macf sync` as a user runs it, against the local node (run under tools/evm/with-node.sh):
# the snapshot has every deployed pool, reads back, and `macf quote` on it answers.
#   tests/evm/cli_sync.sh MACF_BINARY WORK_DIR
set -euo pipefail
macf=$1
work=$2
here=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$work"
node "$here/tools/evm/deploy-fixture.js" --out "$work/cli-fixture.json"
field() { python3 -c "import json,sys;d=json.load(open('$work/cli-fixture.json'));print(eval(sys.argv[1]))" "$1"; }
"$macf" sync --rpc "$MACF_RPC_URL" --v2-factory "$(field "d['v2_factory']"):30" \
    --v3-factory "$(field "d['v3_factory']")" -o "$work/synced.json"
pools=$(python3 -c "import json;print(len(json.load(open('$work/synced.json'))['pools']))")
[[ "$pools" == 6 ]] || { echo "expected 6 pools in the snapshot, got $pools"; exit 1; }
"$macf" quote --market "$work/synced.json" --pool "$(field "d['v3_pools'][0]['address']")" \
    --token-in "$(field "d['tokens'][0]")" --amount-in 1000000000000000000 --json >"$work/quote.json"
grep -q '"ok":true' "$work/quote.json" || { cat "$work/quote.json"; exit 1; }
# A factory that is not an address is refused with a message naming it.
if "$macf" sync --rpc "$MACF_RPC_URL" --v2-factory nonsense -o - 2>"$work/err.txt"; then
    echo "a bad factory was accepted"; exit 1
fi
grep -q "factory 'nonsense': not an address" "$work/err.txt"
echo "cli sync: 6 pools synced, quote answered, bad factory refused"
