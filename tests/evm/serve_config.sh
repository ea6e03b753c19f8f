# SPDX-License-Identifier: Apache-2.0
# Sourced by the `macf serve` node tests: writes a serve configuration with execution on for a
# fixture of tools/evm/deploy-execution.js, and the owner's key (Hardhat's account #2) in a 0600
# file beside it.
#   write_serve_config FIXTURE_JSON OUT_TOML FLASH_SOURCES   (FLASH_SOURCES: "balancer" or "balancer,v3")

# fixture_field FIXTURE_JSON EXPRESSION: a value of the fixture (d is its JSON).
fixture_field() {
    python3 -c "import json,sys;d=json.load(open(sys.argv[2]));print(eval(sys.argv[1]))" "$2" "$1"
}

write_serve_config() {
    local fixture=$1 out=$2 which=$3
    local key="${out%.toml}-owner.key"
    rm -f "$key"
    (umask 077 && echo 5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a >"$key")
    local sources="\"balancer:$(fixture_field "$fixture" "d['balancer_vault']")\""
    [[ "$which" == *v3* ]] && sources+=", \"v3:$(fixture_field "$fixture" "d['v3_pools']['WC']")\""
    cat >"$out" <<TOML
[node]
poll_ms = 100
[[discovery.v2_factories]]
address = "$(fixture_field "$fixture" "d['v2_factory']")"
[[discovery.v3_factories]]
address = "$(fixture_field "$fixture" "d['v3_factory']")"
[engine]
mode = "parallel"
weth = "$(fixture_field "$fixture" "d['tokens']['W']")"
[api]
listen = "127.0.0.1:0"
[execution]
enabled = true
executor = "$(fixture_field "$fixture" "d['executor']")"
key_file = "$key"
flash_sources = [$sources]
TOML
}
