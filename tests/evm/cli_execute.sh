#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `macf deploy-executor` and `macf execute` as a user runs them, against the local node (run
# under tools/evm/with-node.sh): the executor deployed by macf (signed creation transaction),
# a dry run that simulates and sends nothing, a real run that executes the planted dislocation,
# and the refusals: a key file others may read, an executor the key does not own.
#   tests/evm/cli_execute.sh MACF_BINARY WORK_DIR
set -euo pipefail
macf=$1
work=$2
here=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$work"
node "$here/tools/evm/deploy-execution.js" --out "$work/exec-fixture.json"
field() { python3 -c "import json,sys;d=json.load(open('$work/exec-fixture.json'));print(eval(sys.argv[1]))" "$1"; }
key="$work/owner.key"
rm -f "$key"
# Hardhat's account #2 (a well-known test key).
(umask 077 && echo 5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a >"$key")

executor=$("$macf" deploy-executor --rpc "$MACF_RPC_URL" --key-file "$key" 2>"$work/deploy.log")
[[ "$executor" =~ ^0x[0-9a-f]{40}$ ]] || { cat "$work/deploy.log"; echo "no address: $executor"; exit 1; }
! grep -q 5de4111afa "$work/deploy.log" || { echo "the key appeared in the log"; exit 1; }

common=(--rpc "$MACF_RPC_URL" --key-file "$key" --executor "$executor"
        --weth "$(field "d['tokens']['W']")"
        --v2-factory "$(field "d['v2_factory']")" --v3-factory "$(field "d['v3_factory']")"
        --flash-source "v2:$(field "d['v2_pairs']['WC']")"
        --flash-source "v3:$(field "d['v3_pools']['WC']")"
        --flash-source "balancer:$(field "d['balancer_vault']")"
        --flash-source "aave:$(field "d['aave_pool']")")
"$macf" execute "${common[@]}" --dry-run >"$work/dry.txt" 2>"$work/dry.log" || { cat "$work/dry.log"; exit 1; }
grep -q '^simulated .*via balancer-vault' "$work/dry.txt" || { cat "$work/dry.txt" "$work/dry.log"; exit 1; }
"$macf" execute "${common[@]}" >"$work/run.txt" 2>"$work/run.log" || { cat "$work/run.log"; exit 1; }
grep -q '^executed .*via balancer-vault  tx 0x' "$work/run.txt" || { cat "$work/run.txt" "$work/run.log"; exit 1; }

# A key file others may read is refused before anything happens.
chmod 644 "$key"
if "$macf" execute "${common[@]}" --dry-run 2>"$work/open.log"; then echo "an open key file was accepted"; exit 1; fi
grep -q "has mode 644: others may read it" "$work/open.log" || { cat "$work/open.log"; exit 1; }
chmod 600 "$key"
# No contract at the address.
other=$(python3 -c "print('0x' + '11' * 20)")
if "$macf" execute "${common[@]/$executor/$other}" --dry-run 2>"$work/other.log"; then echo "a foreign executor was accepted"; exit 1; fi
grep -q "no contract at the executor address $other" "$work/other.log" || { cat "$work/other.log"; exit 1; }
# An executor owned by another account (the trader deploys one) is refused too.
foreign=$(MACF_OWNER_KEY=59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d \
    "$macf" deploy-executor --rpc "$MACF_RPC_URL" --key-env MACF_OWNER_KEY 2>>"$work/deploy.log")
if "$macf" execute "${common[@]/$executor/$foreign}" --dry-run 2>"$work/foreign.log"; then echo "a foreign executor was accepted"; exit 1; fi
grep -q "is owned by 0x70997970c51812dc3a010c7d01b50e0d17dc79c8, not by the signing key's" "$work/foreign.log" || { cat "$work/foreign.log"; exit 1; }
echo "cli execute: executor $executor deployed by macf, dry run simulated, executed, bad key file and foreign executor refused"
cat "$work/run.txt"
