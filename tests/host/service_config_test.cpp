// SPDX-License-Identifier: Apache-2.0
// `macf serve` configuration: the two documented examples parse and pass the final checks;
// every kind of mistake is refused with a message naming the key; the environment overrides
// the file.
#include <gtest/gtest.h>

#include <map>

#include "macf/host/service/service_config.hpp"

namespace {

using macf::host::ConfigError;
using macf::host::parse_service_config;

macf::host::EnvLookup env_of(std::map<std::string, std::string> m) {
    return [m](const std::string& name) -> std::optional<std::string> {
        const auto it = m.find(name);
        if (it == m.end()) return std::nullopt;
        return it->second;
    };
}

std::string error_of(const std::string& text) {
    try {
        auto c = parse_service_config(text, "t.toml");
        macf::host::finalize_service_config(c, env_of({}));
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "accepted";
}

const std::string kMinimal = R"(
[node]
rpc = "http://127.0.0.1:8545"
[[discovery.v2_factories]]
address = "0x5C69bEe701ef814a2B6a3EDD4B1652CB9cc5aA6f"
[engine]
weth = "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2"
)";

TEST(ServiceConfig, DocumentedExamplesParse) {
    for (const char* name : {"mainnet", "arbitrum"}) {
        SCOPED_TRACE(name);
        auto c = macf::host::load_service_config(std::string(MACF_SOURCE_DIR) + "/docs/config/" +
                                                 name + ".toml");
        macf::host::finalize_service_config(c, env_of({{"MACF_API_TOKEN", "s3cret"}}));
        EXPECT_EQ(c.discovery.factories.size(), 3U);
        EXPECT_EQ(c.engine.base_tokens.size(), 1U);
        EXPECT_EQ(c.api.token, "s3cret");
        EXPECT_EQ(c.execution.flash_sources.size(), 2U);
    }
}

TEST(ServiceConfig, MinimalFileGetsDefaults) {
    auto c = parse_service_config(kMinimal, "t.toml");
    macf::host::finalize_service_config(c, env_of({}));
    EXPECT_EQ(c.engine.mode, macf::host::Mode::kParallel);
    EXPECT_EQ(c.api.listen, "127.0.0.1:8080");
    EXPECT_EQ(c.discovery.factories[0].fee_bps, 30U);
    EXPECT_EQ(c.engine.base_tokens.at(0), c.engine.weth);
    EXPECT_TRUE(c.api.token.empty());
}

TEST(ServiceConfig, MistakesNameTheKey) {
    EXPECT_EQ(error_of(kMinimal + "[engine2]\n"), "t.toml: engine2: unknown table");
    EXPECT_EQ(error_of(kMinimal + "[api]\nlisten_on = \"x\"\n"),
              "t.toml: api.listen_on: unknown key");
    EXPECT_EQ(error_of(kMinimal + "[api]\nrate_limit_per_s = \"fast\"\n"),
              "t.toml: api.rate_limit_per_s: expected a number, got a string");
    EXPECT_EQ(error_of(kMinimal + "[log]\nformat = \"xml\"\n"),
              "t.toml: log.format: 'xml' is not plain or json");
    EXPECT_EQ(error_of(R"([engine]
mode = "fast")"),
              "t.toml: engine.mode: 'fast' is not sequential, batch, parallel or ultra");
    EXPECT_EQ(error_of(R"([engine]
max_hops = 5)"),
              "t.toml: engine.max_hops: 5 is outside [2, 4]");
    EXPECT_EQ(error_of(R"([[discovery.v2_factories]]
address = "0x12"
)"),
              "t.toml: discovery.v2_factories[0].address: '0x12' is not an address (0x and 40 "
              "hex digits)");
    EXPECT_EQ(error_of(R"([[discovery.v2_factories]]
address = "0x5C69bEe701ef814a2B6a3EDD4B1652CB9cc5aA6f"
fee_bps = 10000
)"),
              "t.toml: discovery.v2_factories[0].fee_bps: 10000 is outside [0, 9999]");
    EXPECT_EQ(error_of("[engine]\nmin_profit_wei = -1\n"),
              "t.toml: engine.min_profit_wei: expected an amount of wei (a non-negative integer, "
              "or one in a string)");
    const auto syntax = error_of("[node]\nrpc = \n");
    EXPECT_EQ(syntax.rfind("t.toml:2:", 0), 0U) << syntax;
    EXPECT_EQ(error_of("[node]\ntimeout_ms = 0\n" + kMinimal.substr(kMinimal.find("[[disc"))),
              "t.toml: node.timeout_ms: 0 is outside [1, 600000]");
    EXPECT_EQ(error_of(kMinimal.substr(kMinimal.find("[[disc"))),
              "node.rpc: required (in the file, MACF_RPC_URL or --rpc)");
    EXPECT_EQ(error_of(kMinimal + "[api]\nlisten = \"localhost\"\n"),
              "api.listen: 'localhost' is not HOST:PORT");
    EXPECT_EQ(error_of(kMinimal + "[execution]\nenabled = true\n"),
              "execution.executor: required when execution.enabled");
    EXPECT_EQ(error_of(kMinimal + "[execution]\nenabled = true\nexecutor = "
                                  "\"0x5C69bEe701ef814a2B6a3EDD4B1652CB9cc5aA6f\"\n"),
              "execution: give exactly one of key_file and key_env");
}

TEST(ServiceConfig, ExecutionTimingsAreTheExecuteCommandsDefaultsAndCanBeSet) {
    // serve and execute share one execution stack: the same knobs, the same defaults.
    const auto d = parse_service_config(kMinimal, "t.toml");
    EXPECT_EQ(d.execution.gas_margin_pct, 20U);
    EXPECT_EQ(d.execution.receipt_timeout_s, 120U);
    const auto c = parse_service_config(
        kMinimal + "[execution]\ngas_margin_pct = 35\nreceipt_timeout_s = 30\n", "t.toml");
    EXPECT_EQ(c.execution.gas_margin_pct, 35U);
    EXPECT_EQ(c.execution.receipt_timeout_s, 30U);
    EXPECT_EQ(error_of(kMinimal + "[execution]\nreceipt_timeout_s = 0\n"),
              "t.toml: execution.receipt_timeout_s: 0 is outside [1, 3600]");
    EXPECT_EQ(error_of(kMinimal + "[execution]\ngas_margin_pct = 5000\n"),
              "t.toml: execution.gas_margin_pct: 5000 is outside [0, 1000]");
}

TEST(ServiceConfig, EnvironmentOverridesTheFile) {
    auto c = parse_service_config(kMinimal, "t.toml");
    macf::host::apply_environment(c, env_of({{"MACF_RPC_URL", "http://127.0.0.1:9999"},
                                             {"MACF_MODE", "sequential"},
                                             {"MACF_LISTEN", "127.0.0.1:0"}}));
    EXPECT_EQ(c.node.rpc, "http://127.0.0.1:9999");
    EXPECT_EQ(c.engine.mode, macf::host::Mode::kSequential);
    EXPECT_EQ(c.api.listen, "127.0.0.1:0");
    EXPECT_THROW(macf::host::apply_environment(c, env_of({{"MACF_MODE", "turbo"}})), ConfigError);
}

}  // namespace
