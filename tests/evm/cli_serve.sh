#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `macf serve` as a user runs it against the local node (run under tools/evm/with-node.sh):
# a TOML config, the API token in the environment, execution on with a 0600 key file. The API
# answers, the stream pushes each block, the planted dislocation gets executed, SIGTERM stops
# it cleanly; a config with a typo is refused naming the key.
#   tests/evm/cli_serve.sh MACF_BINARY WORK_DIR
set -euo pipefail
macf=$1
work=$2
here=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$work"
node "$here/tools/evm/deploy-execution.js" --out "$work/serve-fixture.json"
# shellcheck source=serve_config.sh
source "$here/tests/evm/serve_config.sh"
write_serve_config "$work/serve-fixture.json" "$work/serve.toml" balancer,v3

# A typo is refused at start, naming the key.
sed 's/^poll_ms/pol_ms/' "$work/serve.toml" >"$work/typo.toml"
if "$macf" serve --config "$work/typo.toml" --rpc "$MACF_RPC_URL" 2>"$work/typo.log"; then
    echo "a config with an unknown key was accepted"; exit 1
fi
grep -q "node.pol_ms: unknown key" "$work/typo.log" || { cat "$work/typo.log"; exit 1; }

MACF_API_TOKEN=s3cret "$macf" serve --config "$work/serve.toml" --rpc "$MACF_RPC_URL" \
    --log-format json 2>"$work/serve.log" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true' EXIT
port=""
for _ in $(seq 1 200); do
    port=$(grep -o '"API listening on [^"]*(port [0-9]*)' "$work/serve.log" | grep -o 'port [0-9]*' | grep -o '[0-9]*' || true)
    [[ -n "$port" ]] && break
    kill -0 "$pid" 2>/dev/null || { cat "$work/serve.log"; echo "serve exited early"; exit 1; }
    sleep 0.1
done
[[ -n "$port" ]] || { cat "$work/serve.log"; echo "no API port in the log"; exit 1; }
node "$here/tools/evm/serve-check.js" "$work/serve-fixture.json" "$port" s3cret || { tail -n 40 "$work/serve.log"; exit 1; }
kill -TERM "$pid"
status=0
wait "$pid" || status=$?
trap - EXIT
[[ $status -eq 0 ]] || { tail -n 20 "$work/serve.log"; echo "serve exited with $status after SIGTERM"; exit 1; }
grep -q '"message":"stopped at block' "$work/serve.log" || { tail -n 20 "$work/serve.log"; exit 1; }
# Every log line is one JSON object.
python3 -c "
import json,sys
for line in open('$work/serve.log'):
    json.loads(line)
" || { echo "a log line is not JSON"; exit 1; }
! grep -q 5de4111afa "$work/serve.log" || { echo "the key appeared in the log"; exit 1; }
echo "cli serve: API, stream, execution and a clean SIGTERM stop"
